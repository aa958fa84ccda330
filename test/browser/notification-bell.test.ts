import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import '../../src/components/notification-bell/index.js';
import type { NotificationBell } from '../../src/components/notification-bell/notification-bell.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { type HubInfo, hubToken, isLive, one, publish, shadow, text, useHub, withProvider } from './widget-hub.js';

const label = (bell: NotificationBell): string => one(bell, 'button').getAttribute('aria-label') ?? '';
const badge = (bell: NotificationBell): string => text(shadow(bell).querySelector('[part~="badge"]'));
const hubConnections = async (hub: HubInfo): Promise<number> =>
  ((await executeServerCommand('hub-health', { port: hub.port })) as { connections: number }).connections;

let counter = 0;
const user = (): string => `bell-admin-${++counter}-${Date.now()}`;

describe('<notification-bell>', () => {
  const ctx = useHub({ resetLocale: true });

  const notify = (sub: string, ...items: Record<string, unknown>[]) =>
    publish(ctx.hub, ...items.map((n) => ({ kind: 'notification', audience: { userIds: [sub] }, ...n })));

  async function mount(sub = user(), bell = html`<notification-bell></notification-bell>`) {
    const token = await hubToken(sub);
    const { provider, el } = await withProvider<NotificationBell>(ctx.hub, token, bell, 'notification-bell');
    await el.updateComplete;
    return { provider, el, sub };
  }

  it('counts unread notifications in the badge and the accessible name', async () => {
    const { el, sub } = await mount();
    expect(label(el)).to.equal('Notifications, none unread');
    expect(shadow(el).querySelector('[part~="badge"]')).to.equal(null);
    await expect(el).to.be.accessible();
    await notify(sub, { title: 'One' }, { title: 'Two' }, { title: 'Three' });
    await waitUntil(() => badge(el) === '3', 'badge shows 3');
    expect(label(el)).to.equal('Notifications, 3 unread');
    expect(one(el, '[part~="badge"]').getAttribute('aria-hidden')).to.equal('true');
    expect(el.hasAttribute('data-critical')).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('caps the badge at 99+ (and at a custom max) and highlights unread critical ones', async () => {
    const { el, sub } = await mount();
    await notify(sub, ...Array.from({ length: 100 }, (_, i) => ({ title: `Bulk ${i}` })));
    await waitUntil(() => badge(el) === '99+', 'badge capped at 99+');
    expect(label(el)).to.equal('Notifications, 99+ unread');
    el.max = 9;
    await el.updateComplete;
    expect(badge(el)).to.equal('9+');
    await notify(sub, { title: 'Database down', priority: 'critical', category: 'system' });
    await waitUntil(() => el.hasAttribute('data-critical'), 'critical highlight');
    expect(one(el, '[part~="badge"]').getAttribute('part')).to.equal('badge badge-critical');
    expect(label(el)).to.equal('Notifications, 9+ unread, 1 critical');
    await expect(el).to.be.accessible();
  });

  it('opens the center in a popover on the same store; Escape closes and focus returns to the bell', async () => {
    const { el, sub, provider } = await mount();
    await notify(sub, { title: 'Hello from the hub' });
    await waitUntil(() => badge(el) === '1', 'badge');
    const button = one<HTMLButtonElement>(el, 'button');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(button.getAttribute('aria-haspopup')).to.equal('dialog');
    button.focus();
    setTimeout(() => sendKeys({ press: 'Enter' }));
    const opened = await oneEvent(el, 'realtime-toggle');
    expect(opened.detail.open).to.equal(true);
    const panel = one(el, '[part~="panel"]');
    expect(panel.matches(':popover-open')).to.equal(true);
    expect(el.open).to.equal(true);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(button.getAttribute('aria-controls')).to.equal('panel');
    expect(panel.id).to.equal('panel');
    const center = panel.querySelector('admin-notification-center')!;
    expect(center.store).to.equal(provider.store);
    await waitUntil(
      () => text(shadow(center).querySelector('.item .title')) === 'Hello from the hub',
      'center lists it',
    );
    await expect(el).to.be.accessible();
    setTimeout(() => sendKeys({ press: 'Escape' }));
    const closed = await oneEvent(el, 'realtime-toggle');
    expect(closed.detail.open).to.equal(false);
    expect(panel.matches(':popover-open')).to.equal(false);
    expect(el.hasAttribute('open')).to.equal(false);
    expect(shadow(el).activeElement).to.equal(button);

    // A real click on the bell while open closes it (the bell is the popover's invoker).
    button.click();
    await waitUntil(() => panel.matches(':popover-open'), 'open again');
    const box = button.getBoundingClientRect();
    await sendMouse({
      type: 'click',
      position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
    });
    await waitUntil(() => !el.open, 'closed by clicking the bell');
    expect(panel.matches(':popover-open')).to.equal(false);
    await resetMouse();
  });

  it('toggles a popover target named by `for`, and a plain element by its hidden flag', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const page = await fixture<HTMLElement>(html`<div>
      <realtime-provider url=${ctx.hub.wsUrl} token=${token}>
        <notification-bell for="inbox"></notification-bell>
        <notification-bell for="plain"></notification-bell>
      </realtime-provider>
      <admin-notification-center id="inbox" popover></admin-notification-center>
      <admin-notification-center id="plain" hidden></admin-notification-center>
    </div>`);
    const provider = page.querySelector<RealtimeProvider>('realtime-provider')!;
    await waitUntil(() => isLive(provider.store), 'live');
    const [bell, plainBell] = [...page.querySelectorAll<NotificationBell>('notification-bell')] as [
      NotificationBell,
      NotificationBell,
    ];
    const inbox = page.querySelector<HTMLElement>('#inbox')!;
    const plain = page.querySelector<HTMLElement>('#plain')!;
    one<HTMLButtonElement>(bell, 'button').click();
    await waitUntil(() => bell.open, 'bell open');
    expect(inbox.matches(':popover-open')).to.equal(true);
    expect(one(bell, 'button').getAttribute('aria-expanded')).to.equal('true');
    one<HTMLButtonElement>(bell, 'button').focus();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !bell.open, 'closed by Escape');
    expect(inbox.matches(':popover-open')).to.equal(false);

    const events: boolean[] = [];
    plainBell.addEventListener('realtime-toggle', (e) => events.push(e.detail.open));
    one<HTMLButtonElement>(plainBell, 'button').click();
    await plainBell.updateComplete;
    expect(plain.hidden).to.equal(false);
    (plain as AdminNotificationCenter).focus();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => plain.hidden, 'hidden again after Escape');
    expect(events).to.deep.equal([true, false]);
    expect(document.activeElement).to.equal(plainBell);
    await expect(plainBell).to.be.accessible();
  });

  it('shares one connection with a center elsewhere in the page, by provider id and as the only provider', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const before = await hubConnections(ctx.hub);
    const page = await fixture<HTMLElement>(html`<div>
      <header><notification-bell provider="rt"></notification-bell></header>
      <main><section><admin-notification-center provider="rt"></admin-notification-center></section></main>
      <realtime-provider id="rt" url=${ctx.hub.wsUrl} token=${token}></realtime-provider>
    </div>`);
    const provider = page.querySelector<RealtimeProvider>('realtime-provider')!;
    const bell = page.querySelector<NotificationBell>('notification-bell')!;
    const center = page.querySelector<AdminNotificationCenter>('admin-notification-center')!;
    await waitUntil(() => isLive(provider.store), 'live');
    await notify(sub, { title: 'Shared' });
    await waitUntil(() => badge(bell) === '1', 'bell counts');
    await waitUntil(() => text(shadow(center).querySelector('.item .title')) === 'Shared', 'center lists');
    expect(await hubConnections(ctx.hub)).to.equal(before + 1);
    // Reading in the center updates the bell: same store.
    shadow(center).querySelector<HTMLButtonElement>('[part~="mark-read"]')!.click();
    await waitUntil(() => shadow(bell).querySelector('[part~="badge"]') === null, 'bell cleared');

    // Without ids: the only provider in the document.
    page.remove();
    const single = await fixture<HTMLElement>(html`<div>
      <header><notification-bell></notification-bell></header>
      <main><admin-notification-center></admin-notification-center></main>
      <footer><realtime-provider url=${ctx.hub.wsUrl} token=${token}></realtime-provider></footer>
    </div>`);
    const only = single.querySelector<RealtimeProvider>('realtime-provider')!;
    await waitUntil(() => isLive(only.store), 'live');
    const bell2 = single.querySelector<NotificationBell>('notification-bell')!;
    const center2 = single.querySelector<AdminNotificationCenter>('admin-notification-center')!;
    await notify(sub, { title: 'Only provider' });
    await waitUntil(() => badge(bell2) === '1', 'bell counts');
    await waitUntil(() => text(shadow(center2).querySelector('.item .title')) === 'Only provider', 'center lists');
    await waitUntil(async () => (await hubConnections(ctx.hub)) === before + 1, 'one socket for the page');
  });

  it('themes through a custom property and a part, in German', async () => {
    const { el, sub } = await mount();
    await notify(sub, { title: 'Eins' }, { title: 'Zwei' });
    await waitUntil(() => badge(el) === '2', 'badge');
    el.style.setProperty('--realtime-bell-badge-background', 'rgb(10, 20, 30)');
    expect(getComputedStyle(one(el, '[part~="badge"]')).backgroundColor).to.equal('rgb(10, 20, 30)');
    const style = document.createElement('style');
    style.textContent = 'notification-bell::part(base) { outline: 3px solid rgb(40, 50, 60); }';
    document.head.append(style);
    try {
      expect(getComputedStyle(one(el, 'button')).outlineColor).to.equal('rgb(40, 50, 60)');
    } finally {
      style.remove();
    }
    await setLocale('de');
    await el.updateComplete;
    expect(label(el)).to.equal('Benachrichtigungen, 2 ungelesen');
    await expect(el).to.be.accessible();
    el.style.removeProperty('--realtime-bell-badge-background');
    await emulateMedia({ colorScheme: 'dark' });
    try {
      expect(getComputedStyle(one(el, '[part~="badge"]')).backgroundColor).to.equal('rgb(68, 147, 248)');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });
});
