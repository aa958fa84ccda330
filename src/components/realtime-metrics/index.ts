import { define } from '../shared/define.js';
import { RealtimeMetrics } from './realtime-metrics.js';

define('realtime-metrics', RealtimeMetrics);

// The typed realtime-* events (GlobalEventHandlersEventMap) reach an integrator through this entry.
export type { RealtimeEventDetails, RealtimeEventName } from '../shared/events.js';
export { RealtimeMetrics };
