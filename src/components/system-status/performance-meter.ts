/**
 * A labelled performance bar: `role="meter"` with its value in words, a bar whose length and
 * colour follow the value, and a plain "no data" line before the first sample arrives.
 */
import { html, type TemplateResult } from 'lit';
import { msg } from '../shared/localize.js';
import { styleProperty } from '../shared/style-property.js';

/** How full a meter is: ok below 70 %, warn up to 100 %, danger above. */
export type MeterLevel = 'ok' | 'warn' | 'danger';

export interface MeterSpec {
  /** Unique within the shadow root; names the label element. */
  id: string;
  label: string;
  /** Current value, or undefined before any sample. */
  value: number | undefined;
  max: number;
  /** The value in words (units included). */
  text: string;
  /** Fraction of max at which the bar turns warn / danger. */
  warnAt?: number;
  dangerAt?: number;
}

export function meterLevel(ratio: number, warnAt = 0.7, dangerAt = 1): MeterLevel {
  return ratio >= dangerAt ? 'danger' : ratio >= warnAt ? 'warn' : 'ok';
}

export function performanceMeter(spec: MeterSpec): TemplateResult {
  const labelId = `${spec.id}-label`;
  if (spec.value === undefined) {
    return html`<div class="meter-row" data-metric=${spec.id}>
      <span id=${labelId} part="meter-label">${spec.label}</span>
      <span part="meter-value" class="no-data">${msg('systemStatus.metric.noData')}</span>
    </div>`;
  }
  const ratio = spec.max > 0 ? spec.value / spec.max : 0;
  const clamped = Math.min(Math.max(spec.value, 0), spec.max);
  const level = meterLevel(ratio, spec.warnAt, spec.dangerAt);
  return html`<div class="meter-row" data-metric=${spec.id}>
    <span id=${labelId} part="meter-label">${spec.label}</span>
    <span part="meter-value" aria-hidden="true">${spec.text}</span>
    <div
      part="meter"
      class="meter"
      role="meter"
      data-level=${level}
      aria-labelledby=${labelId}
      aria-valuemin="0"
      aria-valuemax=${spec.max}
      aria-valuenow=${clamped}
      aria-valuetext=${spec.text}
    >
      <div part="meter-bar" class="bar" style=${styleProperty('transform', `scaleX(${Math.min(Math.max(ratio, 0), 1)})`)}></div>
    </div>
  </div>`;
}
