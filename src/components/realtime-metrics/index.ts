import { define } from '../shared/define.js';
import { RealtimeMetrics } from './realtime-metrics.js';

define('realtime-metrics', RealtimeMetrics);

export { RealtimeMetrics };
