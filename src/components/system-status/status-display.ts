/**
 * How a component state looks and reads: a word, a colour and an icon shape for each state, so no
 * state is told by colour alone, and display names for the keys a publisher uses.
 */
import { html, svg, type TemplateResult } from 'lit';
import type { OverallHealth } from '../../core/types.js';
import { type MessageKey, msg } from '../shared/localize.js';

/** Brand and acronym spellings that capitalisation alone gets wrong. */
const KNOWN_NAMES: Readonly<Record<string, string>> = {
  elevenlabs: 'ElevenLabs',
  openai: 'OpenAI',
  twilio: 'Twilio',
  stripe: 'Stripe',
  paypal: 'PayPal',
  sendgrid: 'SendGrid',
  websocket: 'WebSocket',
  redis: 'Redis',
  postgres: 'PostgreSQL',
  postgresql: 'PostgreSQL',
  sqlite: 'SQLite',
  sms: 'SMS',
  smtp: 'SMTP',
  cdn: 'CDN',
  dns: 'DNS',
  llm: 'LLM',
};

/** Generic component names that are words in the reader's language. */
const TRANSLATED: Readonly<Record<string, MessageKey>> = {
  database: 'systemStatus.component.database',
  db: 'systemStatus.component.database',
  api: 'systemStatus.component.api',
  payments: 'systemStatus.component.payments',
  voice: 'systemStatus.component.voice',
};

/** A display name for a component key: `elevenlabs` → ElevenLabs, `job_queue` → Job Queue. */
export function componentName(key: string): string {
  const lower = key.toLowerCase();
  const translated = TRANSLATED[lower];
  if (translated) return msg(translated);
  const known = KNOWN_NAMES[lower];
  if (known) return known;
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((word) => KNOWN_NAMES[word.toLowerCase()] ?? word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** The word for a component or overall state. */
export function stateLabel(state: OverallHealth): string {
  return msg(`systemStatus.health.${state}`);
}

/** A distinct shape per state (check, triangle, octagon, question mark), hidden from assistive tech. */
export function stateIcon(state: OverallHealth): TemplateResult {
  const shape = {
    operational: svg`<circle cx="8" cy="8" r="7" /><path class="mark" d="M4.5 8.2l2.3 2.3 4.7-4.8" />`,
    degraded: svg`<path d="M8 1.2L15.2 14.4H0.8Z" /><path class="mark" d="M8 5.6v4.2M8 11.6v.9" />`,
    down: svg`<path d="M5.1 1h5.8L15 5.1v5.8L10.9 15H5.1L1 10.9V5.1Z" /><path class="mark" d="M5.5 5.5l5 5M10.5 5.5l-5 5" />`,
    unknown: svg`<circle cx="8" cy="8" r="7" /><path class="mark" d="M6 6.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6.9v.7M8 11.4v.9" />`,
  }[state];
  return html`<svg class="icon" part="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">${shape}</svg>`;
}
