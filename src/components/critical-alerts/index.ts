import { define } from '../shared/define.js';
import { CriticalAlerts } from './critical-alerts.js';

define('critical-alerts', CriticalAlerts);

export { CriticalAlerts };
