import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/components/critical-alerts/index.js';
import type { CriticalAlerts } from '../../src/components/critical-alerts/critical-alerts.js';
import { setLocale } from '../../src/components/shared/localize.js';
import type { RealtimeClient } from '../../src/core/client.js';
import { createStore } from '../../src/core/store.js';
import { MemoryTransport, snapshotMessage } from '../../test/support/memory-transport.js';
import {
  advancePacing,
  all,
  type HubInfo,
  hubToken,
  liveClient,
  one,
  publish,
  resetPacing,
  shadow,
  startHub,
  stopHub,
  text,
  withProvider,
} from './widget-hub.js';

const critical = (title: string, extra: Record<string, unknown> = {}) => ({
  kind: 'notification',
  title,
  priority: 'critical',
  category: 'system',
  ...extra,
});
const toasts = (el: CriticalAlerts) => all(el, '[part~="toast"]');
const titles = (el: CriticalAlerts) => toasts(el).map((t) => text(t.querySelector('[part~="title"]')));
const hasToast = (el: CriticalAlerts, title: string) => titles(el).includes(title);

/** Counts what the element does with Web Audio, through a subclass installed as window.AudioContext. */
const audio = { contexts: 0, oscillators: 0 };
const OriginalAudioContext = window.AudioContext;
class SpyAudioContext extends OriginalAudioContext {
  constructor(options?: AudioContextOptions) {
    super(options);
    audio.contexts++;
  }
  override createOscillator(): OscillatorNode {
    audio.oscillators++;
    return super.createOscillator();
  }
}

describe('<critical-alerts>', () => {
  let hub: HubInfo;
  let token: string;
  const clients: RealtimeClient[] = [];

  beforeEach(async () => {
    hub = await startHub();
    token = await hubToken('alerts-admin');
  });
  afterEach(async () => {
    setLocale(undefined);
    resetPacing();
    for (const c of clients.splice(0)) c.close();
    await stopHub(hub);
  });

  // First in the file: the page has had no user gesture yet.
  it('sound: no audio before a user gesture, one oscillator per new alert after it, never for the snapshot', async () => {
    window.AudioContext = SpyAudioContext;
    try {
      await publish(hub, critical('Already there'));
      const { el } = await withProvider<CriticalAlerts>(
        hub,
        token,
        html`<critical-alerts sound></critical-alerts>`,
        'critical-alerts',
      );
      await waitUntil(() => hasToast(el, 'Already there'), 'snapshot toast');
      expect(navigator.userActivation.hasBeenActive).to.equal(false);
      await publish(hub, critical('Before any gesture'));
      await waitUntil(() => hasToast(el, 'Before any gesture'), 'toast');
      await el.updateComplete;
      expect(audio).to.deep.equal({ contexts: 0, oscillators: 0 });

      // A real click on the page is the gesture that lets audio start.
      await sendMouse({ type: 'click', position: [2, 2] });
      await resetMouse();
      expect(navigator.userActivation.hasBeenActive).to.equal(true);
      expect(audio.contexts, 'created lazily, not on the gesture itself').to.equal(0);
      await publish(hub, critical('After the gesture'));
      await waitUntil(() => audio.oscillators === 1, 'one beep');
      await publish(hub, critical('Another one'));
      await waitUntil(() => audio.oscillators === 2, 'second beep');
      expect(audio.contexts, 'one context reused').to.equal(1);

      // Without the attribute: no sound.
      el.sound = false;
      await el.updateComplete;
      await publish(hub, critical('Silent'));
      await waitUntil(() => hasToast(el, 'Silent') || text(one(el, '[part~="more"]')).length > 0, 'arrived');
      await el.updateComplete;
      expect(audio.oscillators).to.equal(2);
    } finally {
      window.AudioContext = OriginalAudioContext;
    }
  });

  it('sound: an alert that arrives in the snapshot’s frame, before the first render, is news; the snapshot’s own is not', async () => {
    // After the first test's click, so audio may start.
    expect(navigator.userActivation.hasBeenActive).to.equal(true);
    window.AudioContext = SpyAudioContext;
    const before = audio.oscillators;
    try {
      const transport = new MemoryTransport();
      const store = createStore(transport);
      transport.connect();
      const alert = (id: string, seq: number, title: string) => ({
        kind: 'notification' as const,
        id,
        seq,
        title,
        category: 'system',
        priority: 'critical' as const,
        createdAt: new Date().toISOString(),
      });
      // The snapshot (with one alert already there) and a live alert right after it, in one task:
      // the store renders them in one frame, before the element has ever rendered.
      transport.receive(
        snapshotMessage({
          seq: 1,
          unread: { total: 1, byCategory: { system: 1 }, byPriority: { critical: 1 } },
          notifications: [{ ...alert('old', 1, 'Already there'), read: false }],
        }),
      );
      transport.receive({ type: 'event', event: alert('new', 2, 'Just happened') });
      const el = await fixture<CriticalAlerts>(html`<critical-alerts sound .store=${store}></critical-alerts>`);
      await waitUntil(() => titles(el).includes('Just happened'), 'the live alert shown');
      await waitUntil(() => audio.oscillators === before + 1, 'one beep, for the live alert only');
      await el.updateComplete;
      expect(audio.oscillators - before).to.equal(1);
      store.destroy();
    } finally {
      window.AudioContext = OriginalAudioContext;
    }
  });

  it('toasts a critical notification in the assertive region; other priorities do not toast', async () => {
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<critical-alerts></critical-alerts>`,
      'critical-alerts',
    );
    const region = one(el, '[aria-live="assertive"]');
    expect(region.getAttribute('aria-label')).to.equal('Critical alerts');
    await expect(el).to.be.accessible();
    await publish(
      hub,
      { kind: 'notification', title: 'Disk at 80%', priority: 'high', category: 'system' },
      critical('Payments provider down', {
        message: 'Charges are failing for all plans',
        category: 'billing',
        link: 'https://status.example.com/payments',
      }),
    );
    await waitUntil(() => toasts(el).length > 0, 'toast');
    expect(titles(el)).to.deep.equal(['Payments provider down']);
    const toast = toasts(el)[0]!;
    expect(region.contains(toast)).to.equal(true);
    expect(text(toast.querySelector('[part~="message"]'))).to.equal('Charges are failing for all plans');
    const time = toast.querySelector('time')!;
    expect(text(time)).to.equal('just now');
    expect(Date.parse(time.dateTime)).to.be.closeTo(Date.now(), 60_000);
    const link = toast.querySelector<HTMLAnchorElement>('a[part~="link"]')!;
    expect(link.href).to.equal('https://status.example.com/payments');
    expect(link.rel).to.contain('noopener');
    expect(text(link)).to.equal('Open');
    await expect(el).to.be.accessible();
  });

  it('a burst of alerts appears without sliding in; the first alert after a calm spell slides in', async () => {
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<critical-alerts max="5"></critical-alerts>`,
      'critical-alerts',
    );
    const toastOf = (title: string) => toasts(el).find((t) => text(t.querySelector('[part~="title"]')) === title);
    const slides = (t: HTMLElement) => getComputedStyle(t).animationName !== 'none';
    advancePacing(1100); // a calm spell, on the pacing clock
    await publish(hub, critical('Calm first'));
    await waitUntil(() => toastOf('Calm first'), 'first toast');
    expect(slides(toastOf('Calm first')!)).to.equal(true);
    await publish(hub, critical('Burst two'));
    await publish(hub, critical('Burst three'));
    await waitUntil(() => toastOf('Burst three'), 'burst toasts');
    expect(slides(toastOf('Burst two')!)).to.equal(false);
    expect(slides(toastOf('Burst three')!)).to.equal(false);
    // A toast keeps how it appeared: the first one is not restarted by the burst.
    expect(toastOf('Calm first')!.hasAttribute('data-still')).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('dismisses by button and by Escape: gone, event fired, focus kept, still unread on the hub', async () => {
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<critical-alerts></critical-alerts>`,
      'critical-alerts',
    );
    await publish(hub, critical('First alert'), critical('Second alert'));
    await waitUntil(() => toasts(el).length === 2, 'two toasts');
    expect(titles(el)).to.deep.equal(['Second alert', 'First alert']);

    const dismissButton = toasts(el)[0]!.querySelector<HTMLButtonElement>('[part~="dismiss"]')!;
    dismissButton.focus();
    const first = oneEvent(el, 'realtime-alert-dismiss');
    await sendKeys({ press: 'Enter' });
    const event = await first;
    expect(event.detail.notification.title).to.equal('Second alert');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => toasts(el).length === 1, 'one left');
    await waitUntil(
      () => shadow(el).activeElement?.getAttribute('part') === 'dismiss',
      'focus moved to the next toast',
    );

    const second = oneEvent(el, 'realtime-alert-dismiss');
    await sendKeys({ press: 'Escape' });
    expect((await second).detail.notification.title).to.equal('First alert');
    await waitUntil(() => toasts(el).length === 0, 'none left');

    // Dismissing hides the toast; it does not read the notification.
    const other = await liveClient(hub, token);
    clients.push(other);
    expect(other.store.getState().unread.total).to.equal(2);
    await expect(el).to.be.accessible();
  });

  it('mark read: the toast goes and the hub unread count drops for another client of the same user', async () => {
    const other = await liveClient(hub, token);
    clients.push(other);
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<critical-alerts></critical-alerts>`,
      'critical-alerts',
    );
    await publish(hub, critical('Database failover'));
    await waitUntil(() => toasts(el).length === 1 && other.store.getState().unread.total === 1, 'toast and unread');
    toasts(el)[0]!.querySelector<HTMLButtonElement>('[part~="mark-read"]')!.click();
    await waitUntil(() => toasts(el).length === 0, 'toast gone');
    await waitUntil(() => other.store.getState().unread.total === 0, 'hub count seen by the second client');
    expect(other.store.getState().notifications.find((n) => n.title === 'Database failover')?.read).to.equal(true);
  });

  it('shows at most `max` toasts, newest first, and "+N more"', async () => {
    const client = await liveClient(hub, token);
    clients.push(client);
    const el = await fixture<CriticalAlerts>(html`<critical-alerts max="2" .store=${client.store}></critical-alerts>`);
    await publish(hub, critical('A1'), critical('A2'), critical('A3'), critical('A4'));
    await waitUntil(() => text(shadow(el).querySelector('[part~="more"]')) === '+2 more', 'more');
    expect(titles(el)).to.deep.equal(['A4', 'A3']);
    toasts(el)[0]!.querySelector<HTMLButtonElement>('[part~="dismiss"]')!.click();
    await waitUntil(() => text(shadow(el).querySelector('[part~="more"]')) === '+1 more', 'one fewer');
    expect(titles(el)).to.deep.equal(['A3', 'A2']);
    await expect(el).to.be.accessible();
  });

  it('never renders a non-http(s) link as a link', async () => {
    // The hub refuses such links at publish; the element does not rely on that.
    const refused = await publish(hub, critical('Bad link', { link: 'javascript:alert(1)' })).then(
      () => false,
      () => true,
    );
    const transport = new MemoryTransport();
    const store = createStore(transport);
    transport.connect();
    transport.receive(
      snapshotMessage({ seq: 1, unread: { total: 1, byCategory: { system: 1 }, byPriority: { critical: 1 } } }),
    );
    const el = await fixture<CriticalAlerts>(html`<critical-alerts .store=${store}></critical-alerts>`);
    transport.receive({
      type: 'event',
      event: {
        kind: 'notification',
        id: 'n-js',
        seq: 2,
        title: 'Injected',
        category: 'system',
        priority: 'critical',
        link: 'javascript:alert(1)',
        createdAt: new Date().toISOString(),
      },
    });
    await waitUntil(() => toasts(el).length === 1, 'toast');
    const toast = toasts(el)[0]!;
    expect(toast.querySelector('a')).to.equal(null);
    expect(text(toast.querySelector('[part~="link-text"]'))).to.equal('javascript:alert(1)');
    expect(refused || (await hubHasNoLink()), 'the hub refused or dropped the link').to.equal(true);
    await expect(el).to.be.accessible();

    async function hubHasNoLink(): Promise<boolean> {
      const client = await liveClient(hub, token);
      clients.push(client);
      return !client.store.getState().notifications.some((n) => n.link?.startsWith('javascript:'));
    }
  });

  it('sits fixed at the chosen placement', async () => {
    const el = await fixture<CriticalAlerts>(html`<critical-alerts></critical-alerts>`);
    expect(el.getAttribute('placement')).to.equal('top-end');
    let style = getComputedStyle(el);
    expect(style.position).to.equal('fixed');
    expect(style.top).to.equal('16px');
    expect(style.right).to.equal('16px');
    el.placement = 'bottom';
    await el.updateComplete;
    style = getComputedStyle(el);
    expect(el.getAttribute('placement')).to.equal('bottom');
    const rect = el.getBoundingClientRect();
    expect(rect.bottom).to.be.closeTo(window.innerHeight - 16, 1);
    expect(Math.abs(rect.left + rect.width / 2 - window.innerWidth / 2)).to.be.lessThan(2);
    el.setAttribute('placement', 'bottom-end');
    await el.updateComplete;
    expect(el.getBoundingClientRect().right).to.be.closeTo(document.documentElement.clientWidth - 16, 1);
    expect(el.getBoundingClientRect().bottom).to.be.closeTo(window.innerHeight - 16, 1);
  });

  it('desktop notifications: permission asked only on click, shown only while the tab is hidden', async () => {
    class FakeNotification {
      static permission: NotificationPermission = 'default';
      static requests = 0;
      static shown: { title: string; options?: NotificationOptions }[] = [];
      static async requestPermission(): Promise<NotificationPermission> {
        FakeNotification.requests++;
        FakeNotification.permission = 'granted';
        return 'granted';
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        FakeNotification.shown.push({ title, options });
      }
      close(): void {}
    }
    const realNotification = Object.getOwnPropertyDescriptor(window, 'Notification');
    let visibility: DocumentVisibilityState = 'visible';
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    try {
      const { el, provider } = await withProvider<CriticalAlerts>(
        hub,
        token,
        html`<critical-alerts browser-notifications></critical-alerts>`,
        'critical-alerts',
      );
      const enable = one<HTMLButtonElement>(el, '[part~="enable-notifications"]');
      expect(text(enable)).to.equal('Enable desktop alerts');
      await expect(el).to.be.accessible();
      await publish(hub, critical('While undecided'));
      await waitUntil(() => toasts(el).length === 1, 'toast');
      expect(FakeNotification.requests, 'never asked without a user action').to.equal(0);
      expect(FakeNotification.shown).to.have.length(0);

      enable.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => !shadow(el).querySelector('[part~="enable-notifications"]'), 'button gone once granted');
      expect(FakeNotification.requests).to.equal(1);

      await publish(hub, critical('While visible'));
      await waitUntil(() => toasts(el).length === 2, 'second toast');
      await el.updateComplete;
      expect(FakeNotification.shown, 'a visible tab has the toast').to.have.length(0);

      visibility = 'hidden';
      await publish(hub, critical('While hidden', { message: 'Calls are dropping' }));
      await waitUntil(() => FakeNotification.shown.length === 1, 'desktop notification');
      const [shown] = FakeNotification.shown;
      expect(shown!.title).to.equal('While hidden');
      expect(shown!.options?.body).to.equal('Calls are dropping');
      const alert = provider.store!.getState().criticalAlerts.find((a) => a.title === 'While hidden')!;
      expect(shown!.options?.tag).to.equal(alert.id);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
      if (realNotification) Object.defineProperty(window, 'Notification', realNotification);
    }
  });

  it('is themed through custom properties and parts', async () => {
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<style>
          critical-alerts::part(title) {
            letter-spacing: 3px;
          }
        </style>
        <critical-alerts style="--realtime-alerts-accent: rgb(7, 8, 9)"></critical-alerts>`,
      'critical-alerts',
    );
    await publish(hub, critical('Themed'));
    await waitUntil(() => toasts(el).length === 1, 'toast');
    const toast = toasts(el)[0]!;
    expect(getComputedStyle(toast).borderInlineStartColor).to.equal('rgb(7, 8, 9)');
    expect(getComputedStyle(toast.querySelector('[part~="title"]')!).letterSpacing).to.equal('3px');
  });

  it('stays readable in dark mode', async () => {
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<critical-alerts max="1"></critical-alerts>`,
      'critical-alerts',
    );
    await publish(hub, critical('Dark one', { message: 'Read me', link: 'https://example.com/x' }), critical('Two'));
    await waitUntil(() => toasts(el).length === 1 && shadow(el).querySelector('[part~="more"]'), 'toast and more');
    try {
      await emulateMedia({ colorScheme: 'dark' });
      expect(getComputedStyle(toasts(el)[0]!).backgroundColor).to.equal('rgb(22, 27, 34)');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('speaks German', async () => {
    await setLocale('de');
    const { el } = await withProvider<CriticalAlerts>(
      hub,
      token,
      html`<critical-alerts max="1"></critical-alerts>`,
      'critical-alerts',
    );
    await publish(hub, critical('Eins'), critical('Zwei'));
    await waitUntil(() => text(shadow(el).querySelector('[part~="more"]')) === '+1 weitere', 'more');
    const toast = toasts(el)[0]!;
    expect(text(toast.querySelector('[part~="dismiss"]'))).to.equal('Schließen');
    expect(text(toast.querySelector('[part~="mark-read"]'))).to.equal('Als gelesen markieren');
    expect(text(toast.querySelector('time'))).to.equal('gerade eben');
    expect(one(el, '[aria-live="assertive"]').getAttribute('aria-label')).to.equal('Kritische Warnungen');
    await expect(el).to.be.accessible();
  });
});
