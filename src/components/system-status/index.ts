import { define } from '../shared/define.js';
import { SystemStatus } from './system-status.js';

define('system-status', SystemStatus);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { SystemStatus };
