/** Pieces of the dashboard's controls: interval labels and the category subscription toggles. */
import { html } from 'lit';
import { categoryLabel } from '../shared/categories.js';
import { msg } from '../shared/localize.js';

/** "Off", "Every 30 seconds", "Every 5 minutes". */
export function intervalLabel(seconds: number): string {
  if (seconds <= 0) return msg('dashboard.autoRefresh.off');
  if (seconds % 60 === 0) return msg('dashboard.autoRefresh.minutes', { count: seconds / 60 });
  return msg('dashboard.autoRefresh.seconds', { count: seconds });
}

/** One checkbox per category, ticked when subscribed (`subscribed` null: every category). */
export function categoryToggles(
  options: readonly string[],
  subscribed: readonly string[] | null | undefined,
  onChange: () => void,
) {
  return html`
    <fieldset part="categories" class="categories">
      <legend>${msg('dashboard.categories')}</legend>
      ${options.map(
        (category) => html`
          <label part="category" class="category">
            <input
              type="checkbox"
              name="category"
              value=${category}
              .checked=${subscribed == null || subscribed.includes(category)}
              @change=${onChange}
            />
            ${categoryLabel(category)}
          </label>
        `,
      )}
    </fieldset>
  `;
}
