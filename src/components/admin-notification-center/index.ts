import { define } from '../shared/define.js';
import { AdminNotificationCenter } from './admin-notification-center.js';

define('admin-notification-center', AdminNotificationCenter);

export { AdminNotificationCenter };
