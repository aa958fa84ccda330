/**
 * Every element under forced colours (Windows High Contrast): axe passes, and the cues a
 * high-contrast user relies on survive the browser's palette. Cues are measured on the rendered
 * shadow DOM with getComputedStyle, as contrast against what is actually behind them (WCAG: 4.5:1
 * for text, 3:1 for boundaries, markers and focus rings), never as exact system colours, which
 * differ by platform and theme.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import '../../src/components/connection-status/index.js';
import type { ConnectionStatus } from '../../src/components/connection-status/connection-status.js';
import '../../src/components/critical-alerts/index.js';
import type { CriticalAlerts } from '../../src/components/critical-alerts/critical-alerts.js';
import '../../src/components/live-activity/index.js';
import type { LiveActivity } from '../../src/components/live-activity/live-activity.js';
import '../../src/components/notification-bell/index.js';
import type { NotificationBell } from '../../src/components/notification-bell/notification-bell.js';
import '../../src/components/notification-preferences/index.js';
import type { NotificationPreferences } from '../../src/components/notification-preferences/notification-preferences.js';
import '../../src/components/realtime-dashboard/index.js';
import type { RealtimeDashboard } from '../../src/components/realtime-dashboard/realtime-dashboard.js';
import '../../src/components/realtime-metrics/index.js';
import type { RealtimeMetrics } from '../../src/components/realtime-metrics/realtime-metrics.js';
import '../../src/components/system-status/index.js';
import type { SystemStatus } from '../../src/components/system-status/system-status.js';
import { all, hubToken, isLive, one, publish, shadow, text, useHub, withProvider } from './widget-hub.js';

// ---------------------------------------------------------------------------------------------
// Colour measurement
// ---------------------------------------------------------------------------------------------

type Rgba = [number, number, number, number];

/** Parses a computed colour: `rgb()`, `rgba()` or `color(srgb …)`. */
function rgba(value: string): Rgba {
  const rgb = /^rgba?\(([^)]*)\)$/.exec(value);
  if (rgb) {
    const [r = 0, g = 0, b = 0, a = 1] = rgb[1]!
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return [r, g, b, a];
  }
  const srgb = /^color\(srgb ([^)]*)\)$/.exec(value);
  if (srgb) {
    const [r = 0, g = 0, b = 0, a = 1] = srgb[1]!
      .split(/[\s/]+/)
      .filter(Boolean)
      .map(Number);
    return [r * 255, g * 255, b * 255, a];
  }
  throw new Error(`cannot parse the computed colour "${value}"`);
}

/** `top` painted over the opaque `bottom`. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as Rgba;
}

function luminance([r, g, b]: Rgba): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two opaque colours, 1 to 21. */
function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The page's Canvas system colour (what is behind everything). */
function canvas(): Rgba {
  const probe = document.createElement('span');
  probe.style.color = 'Canvas';
  document.body.append(probe);
  const colour = rgba(getComputedStyle(probe).color);
  probe.remove();
  return colour;
}

/** The element's parent in the flat tree (through slots and out of shadow roots). */
function flatParent(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/** The opaque colour painted behind the element's content: its own background over its ancestors'. */
function backgroundOf(el: Element): Rgba {
  const layers: Rgba[] = [];
  for (let node: Element | null = el; node; node = flatParent(node)) {
    layers.push(rgba(getComputedStyle(node).backgroundColor));
  }
  return layers.reduceRight<Rgba>((below, layer) => over(layer, below), canvas());
}

const colourOf = (el: Element, property: 'color' | 'borderInlineStartColor' | 'borderTopColor'): Rgba =>
  over(rgba(getComputedStyle(el)[property]), backgroundOf(el));

/** Contrast of the element's text against what is behind it. */
const textContrast = (el: Element): number => contrast(colourOf(el, 'color'), backgroundOf(el));

/** Contrast of the element's own background against what is behind the element (e.g. a dot on its row). */
const fillContrast = (el: Element): number => contrast(backgroundOf(el), backgroundOf(flatParent(el)!));

/**
 * Asserts a visible border on one side: a line style, at least 1px wide, and 3:1 against the
 * element's background or against what is around the element (either makes the edge visible).
 */
function expectVisibleBorder(el: Element, side: 'top' | 'inline-start', what: string): void {
  const style = getComputedStyle(el);
  const [styleProp, widthProp, colourProp] =
    side === 'top'
      ? (['borderTopStyle', 'borderTopWidth', 'borderTopColor'] as const)
      : (['borderInlineStartStyle', 'borderInlineStartWidth', 'borderInlineStartColor'] as const);
  expect(style[styleProp], `${what}: border style`).to.not.be.oneOf(['none', 'hidden']);
  expect(Number.parseFloat(style[widthProp]), `${what}: border width`).to.be.at.least(1);
  const line = colourOf(el, colourProp);
  const best = Math.max(contrast(line, backgroundOf(el)), contrast(line, backgroundOf(flatParent(el)!)));
  expect(best, `${what}: border contrast`).to.be.at.least(3);
}

/** Asserts a visible keyboard focus ring: matches :focus-visible, an outline at least 1px wide, 3:1 against what surrounds it. */
function expectFocusRing(el: Element, what: string): void {
  expect(el.matches(':focus-visible'), `${what}: focused by keyboard`).to.equal(true);
  const style = getComputedStyle(el);
  expect(style.outlineStyle, `${what}: outline style`).to.not.equal('none');
  expect(Number.parseFloat(style.outlineWidth), `${what}: outline width`).to.be.at.least(1);
  // A ring drawn inside the element (negative offset) sits on the element's background.
  const behind = Number.parseFloat(style.outlineOffset) < 0 ? backgroundOf(el) : backgroundOf(flatParent(el)!);
  expect(contrast(over(rgba(style.outlineColor), behind), behind), `${what}: outline contrast`).to.be.at.least(3);
}

/** Presses Tab from a plain button placed before the element, so focus arrives by keyboard. */
async function tabFrom(before: HTMLElement): Promise<void> {
  before.focus();
  await sendKeys({ press: 'Tab' });
}

// ---------------------------------------------------------------------------------------------

const NOT_EMULATED =
  'Forced colours are not active after emulateMedia({ forcedColors: "active" }): this runner cannot emulate ' +
  'them, so nothing in this file would be tested. (@web/test-runner-commands 0.9 forwards only colorScheme ' +
  'and reducedMotion to puppeteer-based launchers such as chromeLauncher; forced-colors needs CDP ' +
  'Emulation.setEmulatedMedia.)';

let counter = 0;
/** A unique user per test, so notifications and unread counts start from zero on the shared hub. */
const user = (): string => `forced-admin-${++counter}-${Date.now()}`;

let second = Math.floor(Date.now() / 1000) - 900;
/** Metric points at strictly increasing seconds in the recent past. */
function metrics(values: Record<string, number>, advance = 1) {
  second += advance;
  return { kind: 'metrics', values, at: new Date(second * 1000).toISOString() };
}

describe('forced colours (Windows High Contrast)', () => {
  const ctx = useHub();
  beforeEach(async () => {
    await emulateMedia({ forcedColors: 'active' });
    if (!matchMedia('(forced-colors: active)').matches) {
      await emulateMedia({ forcedColors: 'none' });
      throw new Error(NOT_EMULATED);
    }
  });
  afterEach(async () => {
    await emulateMedia({ forcedColors: 'none' });
  });

  /** Publishes notifications addressed to one user only. */
  const notify = (sub: string, ...items: Record<string, unknown>[]) =>
    publish(ctx.hub, ...items.map((n) => ({ kind: 'notification', audience: { userIds: [sub] }, ...n })));

  it('<notification-bell>: the unread badge keeps a border and readable text, the critical bell stays visible, focus shows', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const { el, provider } = await withProvider<NotificationBell>(
      ctx.hub,
      token,
      html`<button id="before">before</button><notification-bell></notification-bell>`,
      'notification-bell',
    );
    const badge = () => shadow(el).querySelector<HTMLElement>('[part~="badge"]');
    const button = one<HTMLButtonElement>(el, 'button');

    await notify(sub, { title: 'Plain one' });
    await waitUntil(() => text(badge()) === '1', 'badge shows 1', { timeout: 8000 });
    await expect(el).to.be.accessible();
    expectVisibleBorder(badge()!, 'top', 'unread badge');
    // The badge is aria-hidden (its count is in the button's name), so axe does not check its text.
    expect(textContrast(badge()!), 'unread badge text contrast').to.be.at.least(4.5);
    expect(contrast(colourOf(button, 'color'), backgroundOf(button)), 'bell icon contrast').to.be.at.least(3);
    const plainBadge = backgroundOf(badge()!);

    await notify(sub, { title: 'Database down', priority: 'critical', category: 'system' });
    await waitUntil(() => el.hasAttribute('data-critical') && text(badge()) === '2', 'critical highlight', {
      timeout: 8000,
    });
    await expect(el).to.be.accessible();
    expectVisibleBorder(badge()!, 'top', 'critical badge');
    expect(textContrast(badge()!), 'critical badge text contrast').to.be.at.least(4.5);
    // The bell's icon is drawn in currentColor: it must not fade into the page while critical.
    expect(contrast(colourOf(button, 'color'), backgroundOf(button)), 'critical bell icon contrast').to.be.at.least(3);
    expect(backgroundOf(badge()!), 'critical badge stands out from the plain one').to.not.deep.equal(plainBadge);

    await tabFrom(provider.querySelector<HTMLButtonElement>('#before')!);
    expect(shadow(el).activeElement).to.equal(button);
    expectFocusRing(button, 'bell button');
  });

  it('<admin-notification-center>: markers, unread state, the selected tab, focus and critical text survive', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const { el, provider } = await withProvider<AdminNotificationCenter>(
      ctx.hub,
      token,
      html`<button id="before">before</button
        ><admin-notification-center tab="all"></admin-notification-center
        ><button id="after">after</button>`,
      'admin-notification-center',
    );
    await notify(
      sub,
      { title: 'Old news', priority: 'low', category: 'billing' },
      { title: 'Payments down', message: 'Charges failing', priority: 'critical', category: 'security' },
    );
    const item = (title: string) => all(el, '.item').find((li) => text(li.querySelector('.title')) === title);
    await waitUntil(() => item('Old news') && item('Payments down'), 'both listed', { timeout: 8000 });
    item('Old news')!.querySelector<HTMLButtonElement>('[part~="mark-read"]')!.click();
    await waitUntil(() => !item('Old news')?.hasAttribute('data-unread'), 'one read', { timeout: 8000 });
    await el.updateComplete;
    await expect(el).to.be.accessible();

    const unread = item('Payments down')!;
    const read = item('Old news')!;
    // Critical text stays readable (axe checks it too).
    expect(textContrast(unread.querySelector('.title')!), 'critical title contrast').to.be.at.least(4.5);
    expect(textContrast(unread.querySelector('[part~="priority"]')!), 'critical priority contrast').to.be.at.least(4.5);
    // The priority marker and the category dot stand out from the row.
    for (const row of [unread, read]) {
      expect(fillContrast(row.querySelector('.marker')!), 'priority marker contrast').to.be.at.least(3);
      expect(fillContrast(row.querySelector('.dot')!), 'category dot contrast').to.be.at.least(3);
    }
    // Unread is not told by the row tint alone: a bolder title and a visible "mark read" button.
    const weight = (li: HTMLElement) => Number(getComputedStyle(li.querySelector('.title')!).fontWeight);
    expect(weight(unread)).to.be.greaterThan(weight(read));
    expect(read.querySelector('[part~="mark-read"]')).to.equal(null);
    expectVisibleBorder(unread.querySelector('[part~="mark-read"]')!, 'top', 'mark-read button');

    // The selected tab is told apart by more than its fill: it keeps an outline the others lack.
    const selected = one(el, '[role="tab"][aria-selected="true"]');
    const other = one(el, '[role="tab"][aria-selected="false"]');
    expect(selected.matches(':focus')).to.equal(false);
    expect(getComputedStyle(selected).outlineStyle, 'selected tab outline').to.not.equal('none');
    expect(Number.parseFloat(getComputedStyle(selected).outlineWidth)).to.be.at.least(1);
    expect(getComputedStyle(other).outlineStyle, 'other tab has no outline').to.equal('none');
    expect(textContrast(selected), 'selected tab text contrast').to.be.at.least(4.5);

    // Keyboard focus: into the tabs from before, onto the active item from after.
    await tabFrom(provider.querySelector<HTMLButtonElement>('#before')!);
    expect(shadow(el).activeElement).to.equal(selected);
    expectFocusRing(selected, 'selected tab');
    provider.querySelector<HTMLButtonElement>('#after')!.focus();
    await sendKeys({ down: 'Shift' });
    // Back over the active item's "More actions" and "mark read" buttons to the item.
    await sendKeys({ press: 'Tab' });
    const more = shadow(el).activeElement!;
    expect(more.getAttribute('part')).to.equal('more');
    expectFocusRing(more, 'more actions button');
    expectVisibleBorder(more, 'top', 'more actions button');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    const focused = shadow(el).activeElement;
    expect(focused?.classList.contains('item'), 'an item is focused').to.equal(true);
    expectFocusRing(focused!, 'list item');

    // The "clear all?" confirmation with its destructive button.
    all<HTMLButtonElement>(el, '.actions .action')[1]!.click();
    await el.updateComplete;
    const confirm = one(el, '[data-confirm]');
    await expect(el).to.be.accessible();
    expect(textContrast(confirm), 'confirm button text contrast').to.be.at.least(4.5);
    expectVisibleBorder(confirm, 'top', 'confirm button');
  });

  it('<connection-status>: the state dot stands out and the state is in words', async () => {
    const token = await hubToken(user());
    const { el } = await withProvider<ConnectionStatus>(
      ctx.hub,
      token,
      html`<connection-status></connection-status><connection-status variant="badge"></connection-status>`,
      'connection-status',
    );
    const badge = el.parentElement!.querySelector<ConnectionStatus>('connection-status[variant="badge"]')!;
    for (const status of [el, badge]) {
      await waitUntil(() => text(one(status, '[part~="label"]')).startsWith('Live'), 'live', { timeout: 8000 });
      await expect(status).to.be.accessible();
      const dot = one(status, '[part~="dot"]');
      expect(dot.getBoundingClientRect().width).to.be.greaterThan(0);
      expect(fillContrast(dot), `${status.getAttribute('variant')}: dot contrast`).to.be.at.least(3);
      expectVisibleBorder(
        one(status, '[part~="base"]'),
        'top',
        `${status.getAttribute('variant')}: outline of the box`,
      );
    }
  });

  it('<critical-alerts>: a toast keeps its boundary and thick inline-start edge, its icon and focus', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const { el, provider } = await withProvider<CriticalAlerts>(
      ctx.hub,
      token,
      html`<button id="before">before</button><critical-alerts></critical-alerts>`,
      'critical-alerts',
    );
    await notify(sub, {
      title: 'Payments provider down',
      message: 'Charges are failing',
      priority: 'critical',
      category: 'billing',
      link: 'https://status.example.com/payments',
    });
    await waitUntil(() => shadow(el).querySelector('[part~="toast"]'), 'toast', { timeout: 8000 });
    await expect(el).to.be.accessible();
    const toast = one(el, '[part~="toast"]');
    expectVisibleBorder(toast, 'top', 'toast boundary');
    expectVisibleBorder(toast, 'inline-start', 'toast inline-start edge');
    const style = getComputedStyle(toast);
    expect(Number.parseFloat(style.borderInlineStartWidth), 'the edge is thicker than the rest').to.be.greaterThan(
      Number.parseFloat(style.borderTopWidth),
    );
    const icon = one(el, '[part~="icon"]');
    expect(
      contrast(over(rgba(getComputedStyle(icon).fill), backgroundOf(toast)), backgroundOf(toast)),
      'icon',
    ).to.be.at.least(3);
    for (const part of ['mark-read', 'dismiss']) expectVisibleBorder(one(el, `[part~="${part}"]`), 'top', part);

    await tabFrom(provider.querySelector<HTMLButtonElement>('#before')!);
    const focused = shadow(el).activeElement;
    expect(focused && toast.contains(focused), 'focus is in the toast').to.equal(true);
    expectFocusRing(focused!, 'first control in the toast');
  });

  it('<live-activity>: each type badge keeps its ring and icon, focus shows', async () => {
    const token = await hubToken(user());
    await publish(
      ctx.hub,
      ...['authentication', 'agents', 'billing', 'contacts', 'exports'].map((type) => ({
        kind: 'activity',
        type,
        action: `did ${type}`,
        user: { id: 'u-ada', name: 'Ada Admin' },
      })),
    );
    const { el, provider } = await withProvider<LiveActivity>(
      ctx.hub,
      token,
      html`<button id="before">before</button><live-activity></live-activity>`,
      'live-activity',
    );
    await waitUntil(() => all(el, '[part~="entry"]').length >= 5, 'entries', { timeout: 8000 });
    await expect(el).to.be.accessible();
    const types = new Set<string>();
    for (const entry of all(el, '[part~="entry"]')) {
      const badge = entry.querySelector('[part~="type"]')!;
      types.add(entry.dataset.type!);
      expectVisibleBorder(badge, 'top', `${entry.dataset.type} type badge`);
      expect(contrast(colourOf(badge, 'color'), backgroundOf(badge)), `${entry.dataset.type} icon`).to.be.at.least(3);
    }
    expect([...types].sort()).to.deep.equal(['agents', 'authentication', 'billing', 'contacts', 'other']);
    // The type is also told by the icon's shape, not only its colour.
    const shape = (type: string) => one(el, `[data-type='${type}'] [part~="type"] svg`).innerHTML;
    expect(new Set([...types].map(shape)).size).to.equal(types.size);

    await tabFrom(provider.querySelector<HTMLButtonElement>('#before')!);
    const focused = shadow(el).activeElement;
    expect(focused, 'focus is in the feed').to.not.equal(null);
    expectFocusRing(focused!, 'first control');
  });

  it('<realtime-metrics>: the error alert keeps its border, trends and agent counts stay readable, charts draw in the system colour', async () => {
    const token = await hubToken(user());
    await publish(
      ctx.hub,
      metrics({ activeUsers: 200, responseTimeMs: 100, errorRate: 0.01 }),
      metrics({ activeUsers: 150, responseTimeMs: 150, errorRate: 0.5 }, 60),
      { kind: 'agents', active: 12, idle: 5, error: 2 },
    );
    const { el } = await withProvider<RealtimeMetrics>(
      ctx.hub,
      token,
      html`<realtime-metrics error-threshold="0.1" charts="activeUsers"></realtime-metrics>`,
      'realtime-metrics',
    );
    await waitUntil(
      () => shadow(el).querySelector('.alert[data-active]') && shadow(el).querySelector('[part~="agents"]'),
      'alert and agents',
      { timeout: 8000 },
    );
    await waitUntil(() => el.getChart('activeUsers'), 'chart shown', { timeout: 8000 });
    await expect(el).to.be.accessible();

    const alert = one(el, '[role="alert"]');
    expect(text(alert)).to.contain('above');
    expectVisibleBorder(alert, 'top', 'error alert');
    expect(textContrast(alert), 'error alert text').to.be.at.least(4.5);
    for (const trend of all(el, '[part~="trend"]')) {
      expect(textContrast(trend), `${trend.dataset.sentiment} trend text`).to.be.at.least(4.5);
    }
    expect(all(el, '[part~="trend"][data-sentiment="bad"]').length, 'a bad trend is shown').to.be.greaterThan(0);
    for (const count of all(el, '[part~="agent-count"] dd')) {
      expect(textContrast(count), `${count.parentElement!.dataset.state} agents`).to.be.at.least(4.5);
    }
    for (const card of all(el, '[part~="kpi"]')) expectVisibleBorder(card, 'top', `${card.dataset.metric} card`);
    // The chart's canvas is not recoloured by the browser: the element must hand it the system colour.
    const chart = el.getChart('activeUsers')!;
    const stroke = () => (chart.series[1]!.stroke as (u: unknown, i: number) => string)(chart, 1);
    expect(stroke()).to.equal('CanvasText');
    // Switched with the chart on screen: the chart follows, both ways.
    await emulateMedia({ forcedColors: 'none' });
    await waitUntil(() => stroke() !== 'CanvasText', 'chart colours back to the theme', { timeout: 8000 });
    await emulateMedia({ forcedColors: 'active' });
    await waitUntil(() => stroke() === 'CanvasText', 'chart in the system colour again', { timeout: 8000 });
  });

  it('<realtime-dashboard>: controls keep their borders and focus, a failed refresh stays readable', async () => {
    const token = await hubToken(user());
    await publish(ctx.hub, metrics({ activeUsers: 5, errorRate: 0.5 }));
    const el = await fixture<RealtimeDashboard>(
      html`<realtime-dashboard url=${ctx.hub.wsUrl} token=${token}></realtime-dashboard>`,
    );
    await waitUntil(() => isLive(el.store), 'dashboard connected', { timeout: 8000 });
    const refresh = one<HTMLButtonElement>(el, "[part~='refresh-button']");
    await waitUntil(() => !refresh.disabled, 'refresh enabled', { timeout: 8000 });
    // A refresh the hub cannot answer shows its message in the header.
    el.store!.refresh = () => Promise.reject(new Error('hub unavailable'));
    refresh.click();
    const message = one(el, '.refresh-message');
    await waitUntil(() => text(message).includes('hub unavailable'), 'refresh failure shown', { timeout: 8000 });
    await expect(el).to.be.accessible();

    expect(textContrast(message), 'refresh failure text').to.be.at.least(4.5);
    for (const control of all(el, 'button, select')) {
      expectVisibleBorder(control, 'top', `control ${control.getAttribute('part')}`);
    }
    expectVisibleBorder(one(el, "[part~='header']"), 'top', 'header');

    const before = document.createElement('button');
    before.textContent = 'before';
    el.before(before);
    try {
      await tabFrom(before);
      const focused = shadow(el).activeElement;
      expect(focused?.getAttribute('part')).to.equal('connect-button');
      expectFocusRing(focused!, 'connect button');
    } finally {
      before.remove();
    }
  });

  it('<notification-preferences>: controls keep their borders, the save failure is readable, focus shows', async () => {
    const { el } = await withProvider<NotificationPreferences>(
      ctx.hub,
      await hubToken(user()),
      html`<button id="before">before</button><notification-preferences></notification-preferences>`,
      'notification-preferences',
    );
    await waitUntil(() => shadow(el).querySelector('form'), 'form', { timeout: 8000 });
    // Quiet hours on, then a window without days: Save says why it did not save.
    one<HTMLInputElement>(el, "[part~='quiet-hours'] input").click();
    await el.updateComplete;
    for (const day of all<HTMLInputElement>(el, '.days input')) if (day.checked) day.click();
    await el.updateComplete;
    one<HTMLButtonElement>(el, "[part~='save']").click();
    const status = one(el, "[part~='status']");
    await waitUntil(() => text(status).startsWith('Not saved'), 'failure shown');
    await expect(el).to.be.accessible();
    expect(textContrast(status), 'failure text').to.be.at.least(4.5);
    for (const control of all(el, 'button, select, input[type="time"], fieldset')) {
      expectVisibleBorder(control, 'top', `${control.localName} ${control.textContent?.trim() ?? ''}`);
    }
    await tabFrom(document.querySelector<HTMLButtonElement>('#before')!);
    const focused = shadow(el).activeElement;
    expect(focused?.getAttribute('aria-label')).to.equal('In-app for System');
    expectFocusRing(focused!, 'first channel checkbox');
  });

  it('<system-status>: a component that is down is readable, dots and meters stand out', async () => {
    const token = await hubToken(user());
    await publish(
      ctx.hub,
      {
        kind: 'status',
        components: {
          database: { state: 'operational', latencyMs: 12 },
          api: { state: 'degraded', latencyMs: 850 },
          payments: { state: 'down', message: 'Timing out' },
        },
      },
      metrics({ systemLoad: 0.42, responseTimeMs: 200 }),
    );
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      token,
      html`<system-status></system-status><system-status variant="compact"></system-status>`,
      'system-status',
    );
    const compact = el.parentElement!.querySelector<SystemStatus>('system-status[variant="compact"]')!;
    await waitUntil(() => shadow(el).querySelector("[data-component='payments'][data-state='down']"), 'down', {
      timeout: 8000,
    });
    await waitUntil(() => shadow(el).querySelector("[data-metric='load'] [role='meter']"), 'meter', { timeout: 8000 });
    await expect(el).to.be.accessible();
    await expect(compact).to.be.accessible();
    for (const word of all(el, '.state-word')) expect(textContrast(word), text(word)).to.be.at.least(4.5);
    for (const meter of all(el, '[role="meter"]')) {
      expectVisibleBorder(meter, 'top', 'meter track');
      expect(fillContrast(meter.querySelector('[part~="meter-bar"]')!), 'meter bar').to.be.at.least(3);
    }
    expect(fillContrast(one(compact, '[part~="dot"]')), 'compact dot').to.be.at.least(3);
  });
});
