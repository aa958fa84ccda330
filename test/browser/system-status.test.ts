import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/components/system-status/index.js';
import { setLocale } from '../../src/components/shared/localize.js';
import type { SystemStatus } from '../../src/components/system-status/system-status.js';
import {
  advancePacing,
  all,
  liveClient,
  one,
  publish,
  resetPacing,
  shadow,
  text,
  useHub,
  withProvider,
} from './widget-hub.js';

const row = (el: SystemStatus, key: string) => one(el, `[part~='component'][data-component='${key}']`);

describe('<system-status>', () => {
  const ctx = useHub({ sub: 'status-admin', resetLocale: true });
  afterEach(resetPacing);

  // Runs first: the hub has no status yet.
  it('says "Unknown" in words before any status or metric arrives', async () => {
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<system-status></system-status>`,
      'system-status',
    );
    await el.updateComplete;
    expect(el.getAttribute('variant')).to.equal('detailed');
    expect(text(one(el, '[part~="overall"]'))).to.equal('System status: Unknown');
    expect(one(el, '[part~="overall"]').dataset.state).to.equal('unknown');
    expect(text(one(el, '[part~="empty"]'))).to.equal('No status received yet');
    const values = all(el, '[part~="meter-value"]').map(text);
    expect(values).to.deep.equal(['No data yet', 'No data yet']);
    expect(all(el, '[role="meter"]')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('shows each published component with words, colour and icon shape, and the overall health', async () => {
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<system-status variant="detailed"></system-status>`,
      'system-status',
    );
    await publish(ctx.hub, {
      kind: 'status',
      components: {
        database: { state: 'operational', latencyMs: 12 },
        api: { state: 'operational', latencyMs: 85 },
        elevenlabs: { state: 'operational', latencyMs: 240 },
        payments: { state: 'operational' },
        job_queue: { state: 'operational' },
      },
    });
    await waitUntil(() => shadow(el).querySelector("[data-component='job_queue']"), 'components rendered');
    expect(text(one(el, '[part~="overall"]'))).to.equal('System status: Operational');
    const names = all(el, '[part~="component-name"]').map(text);
    // Humanised names, in a stable order (by key) that does not shuffle as states change.
    expect(names).to.deep.equal(['API', 'Database', 'ElevenLabs', 'Job Queue', 'Payments']);
    expect(text(row(el, 'database')))
      .to.contain('Operational')
      .and.to.contain('12 ms');
    expect(text(one(el, '[part~="updated"]'))).to.match(/^Updated /);
    await expect(el).to.be.accessible();

    await publish(ctx.hub, {
      kind: 'status',
      components: {
        database: { state: 'operational', latencyMs: 12 },
        api: { state: 'degraded', latencyMs: 850, message: 'Slow responses' },
        elevenlabs: { state: 'operational', latencyMs: 240 },
        payments: { state: 'operational' },
      },
    });
    await waitUntil(() => row(el, 'api').dataset.state === 'degraded', 'api degraded');
    expect(text(one(el, '[part~="overall"]'))).to.equal('System status: Degraded');
    expect(text(row(el, 'api')))
      .to.contain('Degraded')
      .and.to.contain('850 ms')
      .and.to.contain('Slow responses');
    // A publisher may report some components only; the others keep their last state.
    expect(row(el, 'job_queue').dataset.state).to.equal('operational');

    await publish(ctx.hub, {
      kind: 'status',
      components: {
        database: { state: 'operational', latencyMs: 12 },
        api: { state: 'degraded', latencyMs: 850, message: 'Slow responses' },
        elevenlabs: { state: 'down', message: 'Voice synthesis timing out' },
        payments: { state: 'operational' },
      },
    });
    await waitUntil(() => row(el, 'elevenlabs').dataset.state === 'down', 'elevenlabs down');
    expect(text(one(el, '[part~="overall"]'))).to.equal('System status: Down');
    expect(text(row(el, 'elevenlabs')))
      .to.contain('Down')
      .and.to.contain('Voice synthesis timing out');

    // Colour differs per state…
    const colour = (key: string) => getComputedStyle(row(el, key).querySelector('.state-word')!).color;
    expect(new Set([colour('database'), colour('api'), colour('elevenlabs')]).size).to.equal(3);
    // …and so does the icon's shape, so colour is never the only cue.
    const shape = (key: string) => row(el, key).querySelector('svg')!.innerHTML;
    expect(new Set([shape('database'), shape('api'), shape('elevenlabs')]).size).to.equal(3);
    expect(row(el, 'elevenlabs').querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('compact: a dot and a word, with details shown on keyboard focus and on hover', async () => {
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<button id="before">before</button><system-status variant="compact"></system-status>`,
      'system-status',
    );
    await waitUntil(() => text(one(el, '[part~="label"]')) === 'Down', 'health from the hub');
    expect(one(el, '[part~="dot"]').dataset.state).to.equal('down');
    const trigger = one<HTMLButtonElement>(el, '[part~="trigger"]');
    const details = one(el, '[part~="details"]');
    expect(details.hidden).to.equal(true);
    expect(trigger.getAttribute('aria-describedby')).to.equal(details.id);
    expect(details.getAttribute('role')).to.equal('tooltip');
    await expect(el).to.be.accessible();

    // Keyboard: Tab from the button before it reaches the trigger and shows the details.
    (el.parentElement!.querySelector('#before') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Tab' });
    expect(shadow(el).activeElement).to.equal(trigger);
    await waitUntil(() => !details.hidden, 'details shown on focus');
    expect(getComputedStyle(details).display).to.not.equal('none');
    expect(text(details)).to.contain('ElevenLabs').and.to.contain('Down').and.to.contain('Voice synthesis timing out');
    await expect(el).to.be.accessible();

    // Escape hides them without moving focus; leaving with Tab keeps them hidden.
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => details.hidden, 'details hidden on Escape');
    expect(shadow(el).activeElement).to.equal(trigger);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(shadow(el).activeElement).to.equal(null);
    await el.updateComplete;
    expect(details.hidden).to.equal(true);

    // Hover shows them too.
    const box = trigger.getBoundingClientRect();
    await sendMouse({
      type: 'move',
      position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
    });
    await waitUntil(() => !details.hidden, 'details shown on hover');
    await sendMouse({ type: 'move', position: [0, 0] });
    await waitUntil(() => details.hidden, 'details hidden when the pointer leaves');
  });

  it('performance meters follow published metrics (store set directly from a client)', async () => {
    const client = await liveClient(ctx.hub, ctx.token);
    ctx.clients.push(client);
    const el = await fixture<SystemStatus>(
      html`<system-status response-budget-ms="500" .store=${client.store}></system-status>`,
    );
    await publish(ctx.hub, { kind: 'metrics', values: { systemLoad: 0.42, responseTimeMs: 200 } });
    const meter = (id: string) => shadow(el).querySelector<HTMLElement>(`[data-metric='${id}'] [role='meter']`);
    await waitUntil(() => meter('load')?.getAttribute('aria-valuenow') === '42', 'load meter');
    const load = meter('load')!;
    expect(load.getAttribute('aria-valuemax')).to.equal('100');
    expect(load.getAttribute('aria-valuetext')).to.equal('42%');
    expect(load.dataset.level).to.equal('ok');
    const response = meter('response')!;
    expect(response.getAttribute('aria-valuenow')).to.equal('200');
    expect(response.getAttribute('aria-valuemax')).to.equal('500');
    expect(response.getAttribute('aria-valuetext')).to.equal('200 ms of 500 ms budget');
    // Labelled meters, bars proportional to the value.
    const labelOf = (m: HTMLElement) => text(shadow(el).getElementById(m.getAttribute('aria-labelledby')!));
    expect(labelOf(load)).to.equal('System load');
    expect(labelOf(response)).to.equal('Response time');
    const bar = (m: HTMLElement) => m.querySelector<HTMLElement>('[part~="meter-bar"]')!;
    const fill = (m: HTMLElement) => bar(m).getBoundingClientRect().width / m.getBoundingClientRect().width;
    await waitUntil(() => Math.abs(fill(load) - 0.42) < 0.02, 'load bar at 42%');
    expect(fill(response)).to.be.closeTo(0.4, 0.02);
    await expect(el).to.be.accessible();

    await publish(ctx.hub, { kind: 'metrics', values: { systemLoad: 0.95, responseTimeMs: 900 } });
    await waitUntil(() => meter('response')?.getAttribute('aria-valuetext') === '900 ms of 500 ms budget', 'over');
    expect(meter('response')!.getAttribute('aria-valuenow'), 'clamped to the budget').to.equal('500');
    expect(meter('response')!.dataset.level).to.equal('danger');
    expect(meter('load')!.dataset.level).to.equal('danger');
    await waitUntil(() => Math.abs(fill(meter('response')!) - 1) < 0.01, 'response bar full');
    await expect(el).to.be.accessible();
  });

  it('bars follow a stream of values without animating; a change after a calm spell animates', async () => {
    const client = await liveClient(ctx.hub, ctx.token);
    ctx.clients.push(client);
    const el = await fixture<SystemStatus>(html`<system-status .store=${client.store}></system-status>`);
    const group = () => one(el, '[part~="performance"]');
    const bar = () => one(el, "[data-metric='load'] [part~='meter-bar']");
    const valueNow = () =>
      shadow(el).querySelector("[data-metric='load'] [role='meter']")?.getAttribute('aria-valuenow');
    const animates = () => getComputedStyle(bar()).transitionProperty !== 'none';
    advancePacing(1100); // a calm spell, on the pacing clock
    await publish(ctx.hub, { kind: 'metrics', values: { systemLoad: 0.11 } });
    await waitUntil(() => valueNow() === '11', 'first value');
    expect(group().hasAttribute('data-still'), 'after a calm spell').to.equal(false);
    expect(animates()).to.equal(true);
    for (const load of [0.12, 0.13]) await publish(ctx.hub, { kind: 'metrics', values: { systemLoad: load } });
    await waitUntil(() => valueNow() === '13', 'streamed values');
    expect(group().hasAttribute('data-still'), 'values streaming in').to.equal(true);
    expect(animates()).to.equal(false);
    advancePacing(1100); // a calm spell, on the pacing clock
    await publish(ctx.hub, { kind: 'metrics', values: { systemLoad: 0.5 } });
    await waitUntil(() => valueNow() === '50', 'value after a pause');
    expect(group().hasAttribute('data-still')).to.equal(false);
    expect(animates()).to.equal(true);
  });

  it('keeps the last known state but says it is not live while disconnected', async () => {
    const { el, provider } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<system-status></system-status>`,
      'system-status',
    );
    await waitUntil(() => shadow(el).querySelector("[data-component='api']"), 'components');
    const updated = () => text(one(el, '[part~="updated"]'));
    expect(updated()).to.not.contain('not live');
    provider.disconnect();
    await waitUntil(() => updated().includes('not live, last known state'), 'marked not live');
    expect(text(one(el, '[part~="overall"]'))).to.equal('System status: Down');
    await expect(el).to.be.accessible();
    provider.connect();
    await waitUntil(() => !updated().includes('not live'), 'live again', { timeout: 8000 });
  });

  it('is themed through custom properties and parts', async () => {
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<style>
          system-status::part(component) {
            padding-inline-start: 7px;
          }
        </style>
        <system-status style="--realtime-status-degraded: rgb(1, 2, 3)"></system-status>`,
      'system-status',
    );
    await waitUntil(() => shadow(el).querySelector("[data-component='api']"), 'components');
    const word = row(el, 'api').querySelector('.state-word')!;
    expect(getComputedStyle(word).color).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(row(el, 'api')).paddingInlineStart).to.equal('7px');
  });

  it('stays readable in dark mode and with forced colours', async () => {
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<system-status></system-status><system-status variant="compact"></system-status>`,
      'system-status',
    );
    const compact = el.parentElement!.querySelector<SystemStatus>('system-status[variant="compact"]')!;
    await waitUntil(() => shadow(el).querySelector("[data-component='api']"), 'components');
    try {
      await emulateMedia({ colorScheme: 'dark' });
      expect(getComputedStyle(one(el, '[part~="base"]')).backgroundColor).to.equal('rgb(22, 27, 34)');
      await expect(el).to.be.accessible();
      await expect(compact).to.be.accessible();
      await emulateMedia({ forcedColors: 'active' });
      expect(matchMedia('(forced-colors: active)').matches, 'forced colours emulated').to.equal(true);
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
    }
  });

  it('speaks German', async () => {
    await setLocale('de');
    const { el } = await withProvider<SystemStatus>(
      ctx.hub,
      ctx.token,
      html`<system-status></system-status>`,
      'system-status',
    );
    await waitUntil(() => shadow(el).querySelector("[data-component='api']"), 'components');
    expect(text(one(el, '[part~="overall"]'))).to.equal('Systemstatus: Ausgefallen');
    expect(text(row(el, 'api')))
      .to.contain('API')
      .and.to.contain('Beeinträchtigt');
    expect(text(row(el, 'database')))
      .to.contain('Datenbank')
      .and.to.contain('Betriebsbereit');
    expect(all(el, '[part~="meter-label"]').map(text)).to.deep.equal(['Systemlast', 'Antwortzeit']);
    await expect(el).to.be.accessible();
  });
});
