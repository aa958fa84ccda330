/**
 * The activity types the feed knows (authentication, agents, billing, contacts): a word and an
 * icon each, plus a neutral icon for any other short name a publisher uses.
 */
import { html, svg, type TemplateResult } from 'lit';
import { ACTIVITY_TYPES, type ActivityUser } from '../../core/protocol.js';
import { msg } from '../shared/localize.js';

export type KnownActivityType = (typeof ACTIVITY_TYPES)[number];

/** The type's styling key: a known type, or `other`. */
export function typeKey(type: string): KnownActivityType | 'other' {
  return (ACTIVITY_TYPES as readonly string[]).includes(type) ? (type as KnownActivityType) : 'other';
}

/** The type in words: localised for known types, capitalised otherwise. */
export function typeLabel(type: string): string {
  const key = typeKey(type);
  if (key !== 'other') return msg(`activity.type.${key}`);
  const words = type.split(/[_.-]+/).filter(Boolean);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ') || type;
}

/** Who did it, as a reader would recognise them. */
export function userLabel(user: ActivityUser): string {
  return user.name?.trim() || user.email?.trim() || user.id;
}

const ICONS: Record<KnownActivityType | 'other', TemplateResult> = {
  // A key: signing in and out.
  authentication: svg`<circle cx="5.5" cy="8" r="3" /><path d="M8.5 8H15M12.5 8v2.5M14.5 8v2" />`,
  // A headset: the voice agents.
  agents: svg`<path d="M3 9V8a5 5 0 0 1 10 0v1" /><rect x="2" y="9" width="3" height="4" rx="1" /><rect x="11" y="9" width="3" height="4" rx="1" />`,
  // A card: billing.
  billing: svg`<rect x="1.5" y="3.5" width="13" height="9" rx="1.5" /><path d="M1.5 6.5h13M4 10h3" />`,
  // A person: contacts.
  contacts: svg`<circle cx="8" cy="5.5" r="2.5" /><path d="M3 14a5 5 0 0 1 10 0" />`,
  // A dot in a circle: anything else.
  other: svg`<circle cx="8" cy="8" r="6" /><circle cx="8" cy="8" r="1.5" />`,
};

/** The type's icon, decorative (the type is also given in words). */
export function typeIcon(type: string): TemplateResult {
  return html`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
    ${ICONS[typeKey(type)]}
  </svg>`;
}
