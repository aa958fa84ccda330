import { define } from '../shared/define.js';
import { CriticalAlerts } from './critical-alerts.js';

define('critical-alerts', CriticalAlerts);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { CriticalAlerts };
