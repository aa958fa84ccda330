import { define } from '../shared/define.js';
import { RealtimeDashboard } from './realtime-dashboard.js';

define('realtime-dashboard', RealtimeDashboard);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { RealtimeDashboard };
