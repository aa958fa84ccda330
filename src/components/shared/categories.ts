/**
 * The built-in notification categories, the one list the elements use: their names for people
 * (`category.<name>` in the catalogue) and their colours. Any other category a publisher sends
 * is shown by its name, in the muted colour unless the page sets `--realtime-category-<name>`.
 */
import { css } from 'lit';
import { DEFAULT_CATEGORIES } from '../../core/protocol.js';
import { type MessageKey, msg } from './localize.js';

const BUILT_IN: ReadonlySet<string> = new Set(DEFAULT_CATEGORIES);

/** The category's name for people: localised for the built-in ones, as published otherwise. */
export function categoryLabel(category: string): string {
  return BUILT_IN.has(category) ? msg(`category.${category}` as MessageKey) : category;
}

/** `--realtime-category-<name>` for this category, falling back to the built-in colour, then muted. */
export function categoryColour(category: string): string {
  const ident = category.replace(/[^A-Za-z0-9_-]/g, '-');
  return `var(--realtime-category-${ident}, var(--_category-${ident}, var(--_muted)))`;
}

/** The built-in colours (one per name in DEFAULT_CATEGORIES) as private `--_category-<name>`, per scheme. */
export const categoryColours = css`
  :host {
    --_category-system: #6e7781;
    --_category-security: #cf222e;
    --_category-billing: #1a7f37;
    --_category-agents: #8250df;
    --_category-users: #0969da;
    --_category-calls: #bf3989;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_category-system: #9198a1;
      --_category-security: #f85149;
      --_category-billing: #3fb950;
      --_category-agents: #a371f7;
      --_category-users: #58a6ff;
      --_category-calls: #db61a2;
    }
  }
`;
