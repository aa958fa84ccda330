import type { en } from './en.js';

/** German messages. Keys missing here fall back to English. */
export const de: Partial<Record<keyof typeof en | `${string}.${'one' | 'other'}`, string>> = {
  'time.justNow': 'gerade eben',
  'state.idle': 'Nicht verbunden',
  'state.connecting': 'Verbinde…',
  'state.connected': 'Live',
  'state.reconnecting': 'Verbinde erneut',
  'state.offline': 'Offline',
  'state.auth-error': 'Anmeldung abgelaufen',
  'state.closed': 'Getrennt',
};
