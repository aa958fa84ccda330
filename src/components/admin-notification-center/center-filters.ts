import { html } from 'lit';
import { PRIORITIES, type Priority } from '../../core/protocol.js';
import { categoryLabel } from '../shared/categories.js';
import { msg } from '../shared/localize.js';
import { type CenterView, categoryOptions } from './center-states.js';
import { priorityLabel } from './notification-item.js';

export interface FilterChoice {
  category: string;
  priority: Priority | '';
}

/** Labelled native selects for category and priority: keyboard and screen-reader support built in. */
export function renderFilters(
  view: CenterView | undefined,
  current: FilterChoice,
  onChange: (change: Partial<FilterChoice>) => void,
) {
  const value = (e: Event) => (e.target as HTMLSelectElement).value;
  return html`<div class="filters" part="filters">
    <label>${msg('center.filter.category')}
      <select .value=${current.category} @change=${(e: Event) => onChange({ category: value(e) })}>
        <option value="" ?selected=${!current.category}>${msg('center.filter.anyCategory')}</option>
        ${categoryOptions(view, current.category).map(
          (c) => html`<option value=${c} ?selected=${c === current.category}>${categoryLabel(c)}</option>`,
        )}
      </select>
    </label>
    <label>${msg('center.filter.priority')}
      <select .value=${current.priority} @change=${(e: Event) => onChange({ priority: value(e) as Priority | '' })}>
        <option value="" ?selected=${!current.priority}>${msg('center.filter.anyPriority')}</option>
        ${PRIORITIES.map((p) => html`<option value=${p} ?selected=${p === current.priority}>${priorityLabel(p)}</option>`)}
      </select>
    </label>
  </div>`;
}
