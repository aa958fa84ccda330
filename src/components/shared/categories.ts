/**
 * The built-in notification categories, the one list the elements use: their names for people
 * (`category.<name>` in the catalogue) and their colours. Any other category a publisher sends
 * is shown by its name, in the muted colour unless the page sets `--realtime-category-<name>`.
 */
import { css, unsafeCSS } from 'lit';
import { DEFAULT_CATEGORIES } from '../../core/protocol.js';
import { type MessageKey, msg } from './localize.js';

export type BuiltInCategory = (typeof DEFAULT_CATEGORIES)[number];

/** Colour of each built-in category in the light and the dark scheme. */
const COLOURS: Record<BuiltInCategory, { light: string; dark: string }> = {
  system: { light: '#6e7781', dark: '#9198a1' },
  security: { light: '#cf222e', dark: '#f85149' },
  billing: { light: '#1a7f37', dark: '#3fb950' },
  agents: { light: '#8250df', dark: '#a371f7' },
  users: { light: '#0969da', dark: '#58a6ff' },
  calls: { light: '#bf3989', dark: '#db61a2' },
};

const builtIn = (category: string): category is BuiltInCategory => Object.hasOwn(COLOURS, category);

/** The category's name for people: localised for the built-in ones, as published otherwise. */
export function categoryLabel(category: string): string {
  return builtIn(category) ? msg(`category.${category}` as MessageKey) : category;
}

/** `--realtime-category-<name>` for this category, falling back to the built-in colour, then muted. */
export function categoryColour(category: string): string {
  const ident = category.replace(/[^A-Za-z0-9_-]/g, '-');
  return `var(--realtime-category-${ident}, var(--_category-${ident}, var(--_muted)))`;
}

const declarations = (scheme: 'light' | 'dark') =>
  unsafeCSS(DEFAULT_CATEGORIES.map((name) => `--_category-${name}: ${COLOURS[name][scheme]};`).join('\n'));

/** The built-in colours as private `--_category-<name>` properties on the host, per colour scheme. */
export const categoryColours = css`
  :host {
    ${declarations('light')}
  }
  @media (prefers-color-scheme: dark) {
    :host {
      ${declarations('dark')}
    }
  }
`;
