/**
 * English messages, the reference catalogue, in one part per element (plus the shared part every
 * page needs): an element registers its part when it is created (`LocaleController`), so a page
 * with only the bell and the center does not ship the other elements' strings. Keys are
 * namespaced by element. Plural forms use `.one` / `.other` suffixes (see localize.ts).
 */
import type { enInbox } from './en-inbox.js';

import type { enPreferences } from './en-preferences.js';

/** Used by more than one element: relative time, connection states, category names. */
export const enShared = {
  'time.justNow': 'just now',
  'state.idle': 'Not connected',
  'state.connecting': 'Connecting…',
  'state.connected': 'Live',
  'state.reconnecting': 'Reconnecting',
  'state.offline': 'Offline',
  'state.auth-error': 'Sign-in expired',
  'state.forbidden': 'Not allowed',
  'state.refused': 'Refused by the hub',
  'state.closed': 'Disconnected',
  'category.system': 'System',
  'category.security': 'Security',
  'category.billing': 'Billing',
  'category.agents': 'Agents',
  'category.users': 'Users',
  'category.calls': 'Calls',
} as const;

/** <system-status> */
export const enSystemStatus = {
  'systemStatus.label': 'System status',
  'systemStatus.summary': 'System status: {state}',
  'systemStatus.health.operational': 'Operational',
  'systemStatus.health.degraded': 'Degraded',
  'systemStatus.health.down': 'Down',
  'systemStatus.health.unknown': 'Unknown',
  'systemStatus.notLive': 'not live, last known state',
  'systemStatus.noData': 'No status received yet',
  'systemStatus.components': 'Components',
  'systemStatus.latency': '{ms} ms',
  'systemStatus.updated': 'Updated {time}',
  'systemStatus.performance': 'Performance',
  'systemStatus.load': 'System load',
  'systemStatus.response': 'Response time',
  'systemStatus.response.value': '{ms} ms of {budget} ms budget',
  'systemStatus.metric.noData': 'No data yet',
  'systemStatus.component.database': 'Database',
  'systemStatus.component.api': 'API',
  'systemStatus.component.payments': 'Payments',
  'systemStatus.component.voice': 'Voice provider',
} as const;

/** <live-activity> */
export const enActivity = {
  'activity.label': 'Live activity',
  'activity.feed': 'Activity feed',
  'activity.filter.type': 'Type',
  'activity.filter.user': 'User',
  'activity.filter.allTypes': 'All types',
  'activity.filter.allUsers': 'All users',
  'activity.type.authentication': 'Authentication',
  'activity.type.agents': 'Agents',
  'activity.type.billing': 'Billing',
  'activity.type.contacts': 'Contacts',
  'activity.empty': 'No activity yet',
  'activity.emptyFiltered': 'No activity matches the filters',
  'activity.paused': 'Paused',
  'activity.pausedNew.one': 'Paused — {count} new',
  'activity.pausedNew.other': 'Paused — {count} new',
  'activity.resume': 'Resume',
  'activity.announce.one': '{count} new activity',
  'activity.announce.other': '{count} new activities',
  'activity.announceEntry': 'New activity: {user}, {action}',
} as const;

/** <critical-alerts> */
export const enAlerts = {
  'alerts.label': 'Critical alerts',
  'alerts.dismiss': 'Dismiss',
  'alerts.markRead': 'Mark read',
  'alerts.open': 'Open',
  'alerts.more.one': '+{count} more',
  'alerts.more.other': '+{count} more',
  'alerts.enableDesktop': 'Enable desktop alerts',
} as const;

/** <realtime-metrics> */
export const enMetrics = {
  'metrics.kpis': 'Key metrics',
  'metrics.name.activeUsers': 'Active users',
  'metrics.name.activeCalls': 'Active calls',
  'metrics.name.systemLoad': 'System load',
  'metrics.name.responseTimeMs': 'Response time',
  'metrics.name.errorRate': 'Error rate',
  'metrics.noValue': '—',
  'metrics.trend.up': 'up {percent}%',
  'metrics.trend.down': 'down {percent}%',
  'metrics.trend.flat': 'unchanged',
  'metrics.trend.upFromZero': 'up from zero',
  'metrics.trend.downFromZero': 'down from zero',
  'metrics.errorAlert': 'Error rate {rate} is above the {threshold} threshold',
  'metrics.agents.title': 'Agents',
  'metrics.agents.active': 'Active',
  'metrics.agents.idle': 'Idle',
  'metrics.agents.error': 'Error',
  'metrics.chartsUnavailable': 'Charts could not be loaded.',
  'metrics.table.caption.one': 'Metrics over the last minute',
  'metrics.table.caption.other': 'Metrics over the last {count} minutes',
  'metrics.table.time': 'Time',
} as const;

/** <realtime-dashboard> */
export const enDashboard = {
  'dashboard.label': 'Real-time dashboard',
  'dashboard.connect': 'Connect',
  'dashboard.disconnect': 'Disconnect',
  'dashboard.refresh': 'Refresh',
  'dashboard.refreshFailed': 'Refresh failed: {reason}',
  'dashboard.autoRefresh': 'Auto-refresh',
  'dashboard.autoRefresh.off': 'Off',
  'dashboard.autoRefresh.seconds.one': 'Every second',
  'dashboard.autoRefresh.seconds.other': 'Every {count} seconds',
  'dashboard.autoRefresh.minutes.one': 'Every minute',
  'dashboard.autoRefresh.minutes.other': 'Every {count} minutes',
  'dashboard.categories': 'Subscribed categories',
} as const;

/** <notification-bell> */
export const enBell = {
  'bell.label.one': 'Notifications, {count} unread',
  'bell.label.other': 'Notifications, {count} unread',
  'bell.labelNone': 'Notifications, none unread',
  'bell.labelOverflow': 'Notifications, {shown} unread',
  'bell.criticalSuffix.one': ', {count} critical',
  'bell.criticalSuffix.other': ', {count} critical',
  'bell.overflow': '{max}+',
  'bell.panelLabel': 'Notifications',
} as const;

/** <admin-notification-center> */
export const enCenter = {
  'center.label': 'Notifications',
  'center.tabsLabel': 'Notification views',
  'center.tab.unread': 'Unread ({count})',
  'center.tab.all': 'All',
  'center.tab.archived': 'Archived',
  'center.filter.category': 'Category',
  'center.filter.anyCategory': 'All categories',
  'center.filter.priority': 'Priority',
  'center.filter.anyPriority': 'Any priority',
  'center.markAll': 'Mark all read',
  'center.markAllFiltered': 'Mark matching read',
  'center.clear': 'Clear',
  'center.clearConfirm': 'Clear all notifications?',
  'center.clearYes': 'Clear all',
  'center.clearNo': 'Cancel',
  'center.noProvider': 'Not connected: add a <realtime-provider> or set the store.',
  'center.authError': 'Sign-in expired: notifications are paused.',
  'center.forbidden': 'This account is not allowed to receive notifications: they are paused.',
  'center.refused':
    'The hub refused the connection: check that its allowed origins include this page and that the URL is right. Notifications are paused.',
  'center.offline': 'Offline: showing the notifications received so far.',
  'center.error': 'Something went wrong: {message}',
  'center.dismiss': 'Dismiss',
  'center.loading': 'Loading notifications…',
  'center.emptyFiltered': 'No notifications match these filters.',
  'center.emptyUnread': 'No unread notifications.',
  'center.empty': 'No notifications yet.',
  'center.showNew.one': '{count} new',
  'center.showNew.other': '{count} new',
  'center.arrived.one': '{count} new notification',
  'center.arrived.other': '{count} new notifications',
  'center.listLabel': 'Notifications',
  'center.showMore.one': 'Show {count} more',
  'center.showMore.other': 'Show {count} more',
  'center.loadOlder': 'Load older',
  'center.loadingOlder': 'Loading older…',
  'center.unreadMarker': 'Unread.',
  'center.markOne': 'Mark “{title}” as read',
  'center.markOneShort': 'Mark as read',
  'center.more': 'More actions for “{title}”',
  'center.actionsLabel': 'Actions for “{title}”',
  'center.priority.low': 'Low',
  'center.priority.medium': 'Medium',
  'center.priority.high': 'High',
  'center.priority.critical': 'Critical',
} as const;

/** <connection-status> */
export const enConnectionStatus = {
  'status.retry': 'Retry now',
  'status.reconnectingIn': 'Reconnecting in {seconds} s (attempt {attempt})',
  'status.retryingNow': 'Reconnecting now (attempt {attempt})',
  'status.attempt': 'Attempt {attempt}',
  'status.offlineDetail': 'No network. Reconnects when it is back.',
  'status.authExpired': 'Your session expired. Sign in again.',
  'status.authForbidden': 'This account is not allowed to receive live updates. Sign in with another account.',
  'status.refused':
    'The hub refused the connection or cannot be reached. Check that the hub’s allowed origins (--allowed-origins) include {origin} and that the URL is right.',
  'status.reason': 'Reason: {reason}',
  'status.connectedAs': 'Signed in as {name}',
  'status.sharedFollower': 'Connected through another tab.',
} as const;

/** Every English message: the keys `msg` accepts. */
export type EnglishMessages = typeof enInbox &
  typeof enShared &
  typeof enSystemStatus &
  typeof enActivity &
  typeof enAlerts &
  typeof enMetrics &
  typeof enDashboard &
  typeof enBell &
  typeof enCenter &
  typeof enConnectionStatus &
  typeof enPreferences;
