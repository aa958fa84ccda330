/** Every element's tag, in registration order (the provider first). Fixed: see docs/architecture.md. */
export const ELEMENT_TAGS = [
  'realtime-provider',
  'notification-bell',
  'admin-notification-center',
  'connection-status',
  'system-status',
  'live-activity',
  'realtime-metrics',
  'critical-alerts',
  'realtime-dashboard',
  'notification-preferences',
] as const;

export type ElementTag = (typeof ELEMENT_TAGS)[number];
