import { define } from '../shared/define.js';
import { LiveActivity } from './live-activity.js';

define('live-activity', LiveActivity);

export { LiveActivity };
