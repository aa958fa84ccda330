/**
 * English messages, the reference catalogue: every key any element uses is here. Keys are
 * namespaced by element. Plural forms use `.one` / `.other` suffixes (see localize.ts).
 */
export const en = {
  'time.justNow': 'just now',
  'state.idle': 'Not connected',
  'state.connecting': 'Connecting…',
  'state.connected': 'Live',
  'state.reconnecting': 'Reconnecting',
  'state.offline': 'Offline',
  'state.auth-error': 'Sign-in expired',
  'state.closed': 'Disconnected',
} as const;
