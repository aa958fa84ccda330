import { define } from '../shared/define.js';
import { LiveActivity } from './live-activity.js';

define('live-activity', LiveActivity);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { LiveActivity };
