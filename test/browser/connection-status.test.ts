import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/connection-status/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import type { ConnectionStatus } from '../../src/components/connection-status/connection-status.js';
import { runningCountdowns } from '../../src/components/connection-status/countdown.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { createRealtimeClient } from '../../src/core/client.js';
import type { ConnectionState, RealtimeError } from '../../src/core/types.js';
import { type HubInfo, hubToken, isLive, one, shadow, startHub, stopHub, text, withProvider } from './widget-hub.js';

const label = (el: ConnectionStatus): string => text(one(el, '[part~="label"]'));
const detail = (el: ConnectionStatus): string => text(shadow(el).querySelector('[part~="detail"]'));
const banner = (center: AdminNotificationCenter): string => text(shadow(center).querySelector('[part~="banner"]'));
/** Whether a countdown timer runs in the page (the one <connection-status> of the test). */
const countdownRunning = (): boolean => runningCountdowns() > 0;

describe('<connection-status>', () => {
  let hub: HubInfo | undefined;

  afterEach(async () => {
    setLocale(undefined);
    await stopHub(hub);
    hub = undefined;
  });

  it('shows live, then reconnecting with attempt and countdown, and retries now onto a hub restarted on the same port', async () => {
    hub = await startHub();
    const token = await hubToken('status-admin');
    const { el, provider } = await withProvider<ConnectionStatus>(
      hub,
      token,
      html`<connection-status></connection-status>`,
      'connection-status',
    );
    await waitUntil(() => label(el) === 'Live', 'live');
    expect(el.getAttribute('variant')).to.equal('full');
    expect(el.dataset.state).to.equal('connected');
    expect(one(el, '[part~="label"]').getAttribute('role')).to.equal('status');
    expect(shadow(el).querySelector('[part~="retry"]')).to.equal(null);
    expect(countdownRunning()).to.equal(false);
    await expect(el).to.be.accessible();

    const port = hub.port;
    await stopHub(hub);
    hub = undefined;
    await waitUntil(() => /^Reconnecting in \d+ s \(attempt \d+\)$/.test(detail(el)), 'countdown with attempt', {
      timeout: 15_000,
    });
    expect(label(el)).to.equal('Reconnecting');
    expect(el.dataset.state).to.equal('reconnecting');
    expect(countdownRunning()).to.equal(true);
    const state = provider.store!.getState().connection;
    if (state.status !== 'reconnecting') throw new Error('not reconnecting');
    expect(detail(el)).to.contain(`(attempt ${state.attempt})`);
    expect(text(one(el, '[part~="retry"]'))).to.equal('Retry now');
    await expect(el).to.be.accessible();

    // Wait for a retry far enough away that "Retry now" is what brings it back, not the timer.
    let waitingUntil = 0;
    await waitUntil(
      () => {
        const s = provider.store!.getState().connection;
        if (s.status === 'reconnecting' && s.nextRetryAt - Date.now() > 2500) waitingUntil = s.nextRetryAt;
        return waitingUntil > 0;
      },
      'a retry more than 2.5 s away',
      { timeout: 20_000 },
    );
    hub = (await executeServerCommand('hub-start', { port })) as HubInfo;
    expect(hub.port).to.equal(port);
    one<HTMLButtonElement>(el, '[part~="retry"]').click();
    await waitUntil(() => label(el) === 'Live', 'live again after Retry now', { timeout: 2000 });
    expect(Date.now()).to.be.below(waitingUntil);
    expect(countdownRunning()).to.equal(false);
    expect(shadow(el).querySelector('[part~="retry"]')).to.equal(null);
  });

  it('says the session expired, with the reason, on a refused token', async () => {
    hub = await startHub();
    const expired = (await executeServerCommand('hub-token', { sub: 'status-admin', role: 'admin', ttl: -60 })) as
      | string
      | { token: string };
    const token = typeof expired === 'string' ? expired : expired.token;
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${hub.wsUrl} token=${token}>
        <connection-status></connection-status><connection-status variant="badge"></connection-status>
      </realtime-provider>`,
    );
    const [full, badge] = [...provider.querySelectorAll('connection-status')] as [ConnectionStatus, ConnectionStatus];
    await waitUntil(() => full.connectionState.status === 'auth-error', 'auth error', { timeout: 8000 });
    await full.updateComplete;
    expect(label(full)).to.equal('Sign-in expired');
    expect(detail(full)).to.match(/^Your session expired\. Sign in again\. Reason: .+/);
    expect(full.dataset.state).to.equal('auth-error');
    expect(getComputedStyle(one(full, '[part~="dot"]')).backgroundColor).to.equal('rgb(207, 34, 46)');
    await expect(full).to.be.accessible();
    await badge.updateComplete;
    expect(text(one(badge, '[part~="label"]'))).to.match(/^Sign-in expired\. Your session expired\./);
    expect(shadow(badge).querySelector('[part~="detail"]')).to.equal(null);
    await expect(badge).to.be.accessible();
  });

  it('says the hub refused the connection, and what to check, when the page origin is not allowed', async () => {
    hub = (await executeServerCommand('hub-start', { allowedOrigins: ['https://admin.example.com'] })) as HubInfo;
    const token = await hubToken('status-admin');
    const client = createRealtimeClient({ url: hub.wsUrl, token, backoff: { initialMs: 50, maxMs: 200 } });
    const errors: RealtimeError[] = [];
    const states: ConnectionState[] = [];
    client.on('realtime-error', (error) => errors.push(error));
    client.on('realtime-state-change', (state) => states.push(state));
    const [el, badge, center] = [
      await fixture<ConnectionStatus>(html`<connection-status .store=${client.store}></connection-status>`),
      await fixture<ConnectionStatus>(
        html`<connection-status variant="badge" .store=${client.store}></connection-status>`,
      ),
      await fixture<AdminNotificationCenter>(
        html`<admin-notification-center .store=${client.store}></admin-notification-center>`,
      ),
    ];
    try {
      client.connect();
      await waitUntil(() => label(el) === 'Refused by the hub', 'refused label', { timeout: 10_000 });
      const refused = states.find((state) => state.status === 'reconnecting' && state.refused);
      if (refused?.status !== 'reconnecting') throw new Error('no refused reconnecting state');
      expect(refused.reason).to.contain('--allowed-origins').and.contain(location.origin).and.contain(hub.wsUrl);
      const before = states.slice(0, states.indexOf(refused));
      expect(before.filter((state) => state.status === 'reconnecting').length).to.equal(2);
      expect(before.some((state) => 'refused' in state)).to.equal(false);
      expect(['reconnecting', 'connecting']).to.include(el.dataset.state);
      expect(detail(el)).to.contain('The hub refused the connection').and.contain(location.origin);
      expect(detail(el)).to.contain('allowed origins');
      await badge.updateComplete;
      expect(text(one(badge, '[part~="label"]'))).to.match(/^Refused by the hub\. The hub refused the connection/);
      await waitUntil(() => /hub refused the connection/.test(banner(center)), 'center says refused');
      expect(banner(center)).to.contain('allowed origins');
      // Never a clean close: the hub did not speak, and the third failure in a row says what to check.
      const closes = errors.filter((e) => e.kind === 'close');
      expect(closes.length).to.be.at.least(3);
      expect(closes.every((e) => e.code === 1006)).to.equal(true);
      expect(closes.at(-1)?.message).to.contain('refused the connection').and.contain('--allowed-origins');
      await expect(el).to.be.accessible();
      await expect(badge).to.be.accessible();
      await setLocale('de');
      await el.updateComplete;
      expect(label(el)).to.equal('Vom Hub abgewiesen');
      expect(detail(el)).to.contain('Der Hub hat die Verbindung abgewiesen');
    } finally {
      client.close();
      for (const node of [el, badge, center]) node.remove();
    }
  });

  it('says a viewer-role account is not allowed, never that sign-in expired', async () => {
    hub = await startHub();
    const token = await hubToken('status-viewer', 'viewer');
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${hub.wsUrl} token=${token}>
        <connection-status></connection-status><connection-status variant="badge"></connection-status>
        <admin-notification-center></admin-notification-center>
      </realtime-provider>`,
    );
    const [full, badge] = [...provider.querySelectorAll('connection-status')] as [ConnectionStatus, ConnectionStatus];
    const center = provider.querySelector('admin-notification-center') as AdminNotificationCenter;
    await waitUntil(() => full.connectionState.status === 'auth-error', 'auth error', { timeout: 8000 });
    await Promise.all([full.updateComplete, badge.updateComplete, center.updateComplete]);
    expect(label(full)).to.equal('Not allowed');
    expect(detail(full)).to.match(/^This account is not allowed to receive live updates\./);
    expect(text(one(badge, '[part~="label"]'))).to.match(/^Not allowed\. This account is not allowed/);
    expect(banner(center)).to.contain('not allowed');
    for (const shown of [label(full), detail(full), text(one(badge, '[part~="label"]')), banner(center)])
      expect(shown).not.to.match(/expired/i);
    await expect(full).to.be.accessible();
    await setLocale('de');
    await full.updateComplete;
    expect(label(full)).to.equal('Nicht berechtigt');
  });

  it('shows every state in words and colour, clears its timer when removed, and themes in German', async () => {
    hub = await startHub();
    const token = await hubToken('status-admin');
    const client = createRealtimeClient({ url: hub.wsUrl, token });
    const el = await fixture<ConnectionStatus>(
      html`<connection-status variant="badge" .store=${client.store} .connection=${client.connection}></connection-status>`,
    );
    expect(label(el)).to.equal('Not connected');
    expect(el.dataset.state).to.equal('idle');
    await expect(el).to.be.accessible();
    client.connect();
    await waitUntil(() => isLive(client.store), 'live');
    await waitUntil(() => label(el) === 'Live', 'live');
    el.style.setProperty('--realtime-status-connected', 'rgb(7, 8, 9)');
    expect(getComputedStyle(one(el, '[part~="dot"]')).backgroundColor).to.equal('rgb(7, 8, 9)');
    const style = document.createElement('style');
    style.textContent = 'connection-status::part(label) { color: rgb(11, 12, 13); }';
    document.head.append(style);
    try {
      expect(getComputedStyle(one(el, '[part~="label"]')).color).to.equal('rgb(11, 12, 13)');
    } finally {
      style.remove();
    }
    await expect(el).to.be.accessible();

    await stopHub(hub);
    hub = undefined;
    await waitUntil(() => el.connectionState.status === 'reconnecting', 'reconnecting', { timeout: 8000 });
    await el.updateComplete;
    expect(label(el)).to.match(/^Reconnecting\. Attempt \d+$/);
    expect(countdownRunning()).to.equal(true);
    await setLocale('de');
    await el.updateComplete;
    expect(label(el)).to.match(/^Verbinde erneut\. Versuch \d+$/);
    el.variant = 'full';
    await waitUntil(
      () => /^Neuer Versuch in \d+ s \(Versuch \d+\)$|^Verbinde erneut \(Versuch \d+\)$/.test(detail(el)),
      'German detail',
      {
        timeout: 8000,
      },
    );
    expect(text(one(el, '[part~="retry"]'))).to.equal('Jetzt erneut versuchen');
    await expect(el).to.be.accessible();
    el.remove();
    expect(countdownRunning()).to.equal(false);
    client.close();
  });
});
