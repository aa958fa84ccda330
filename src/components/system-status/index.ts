import { define } from '../shared/define.js';
import { SystemStatus } from './system-status.js';

define('system-status', SystemStatus);

export { SystemStatus };
