import { define } from '../shared/define.js';
import { RealtimeDashboard } from './realtime-dashboard.js';

define('realtime-dashboard', RealtimeDashboard);

export { RealtimeDashboard };
