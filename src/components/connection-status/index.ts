import { define } from '../shared/define.js';
import { ConnectionStatus } from './connection-status.js';

define('connection-status', ConnectionStatus);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { ConnectionStatus };
