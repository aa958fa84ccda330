import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/components/connection-status/index.js';
import type { ConnectionStatus } from '../../src/components/connection-status/connection-status.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { createRealtimeClient } from '../../src/core/client.js';
import { type HubInfo, hubToken, isLive, one, shadow, startHub, stopHub, text, withProvider } from './widget-hub.js';

const label = (el: ConnectionStatus): string => text(one(el, '[part~="label"]'));
const detail = (el: ConnectionStatus): string => text(shadow(el).querySelector('[part~="detail"]'));
const countdownRunning = (el: ConnectionStatus): boolean =>
  (el as unknown as { countdown: { running: boolean } }).countdown.running;

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
    expect(countdownRunning(el)).to.equal(false);
    await expect(el).to.be.accessible();

    const port = hub.port;
    await stopHub(hub);
    hub = undefined;
    await waitUntil(() => /^Reconnecting in \d+ s \(attempt \d+\)$/.test(detail(el)), 'countdown with attempt', {
      timeout: 15_000,
    });
    expect(label(el)).to.equal('Reconnecting');
    expect(el.dataset.state).to.equal('reconnecting');
    expect(countdownRunning(el)).to.equal(true);
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
    expect(countdownRunning(el)).to.equal(false);
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
    expect(countdownRunning(el)).to.equal(true);
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
    expect(countdownRunning(el)).to.equal(false);
    client.close();
  });
});
