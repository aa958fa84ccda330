import { define } from '../shared/define.js';
import { RealtimeProvider } from './realtime-provider.js';

define('realtime-provider', RealtimeProvider);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { RealtimeProvider };
