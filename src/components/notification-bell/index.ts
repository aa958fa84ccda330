import '../admin-notification-center/index.js';
import { define } from '../shared/define.js';
import { NotificationBell } from './notification-bell.js';

define('notification-bell', NotificationBell);

export { NotificationBell };
