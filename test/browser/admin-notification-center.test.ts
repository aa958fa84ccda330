import { expect, fixture, html, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { noUnread } from '../../src/core/protocol.js';
import { createStore } from '../../src/core/store.js';
import { MemoryTransport } from '../support/memory-transport.js';
import {
  all,
  hubToken,
  liveClient,
  one,
  publish,
  shadow,
  startHub,
  stopHub,
  text,
  useHub,
  withProvider,
} from './widget-hub.js';

const titles = (el: AdminNotificationCenter): string[] => all(el, '.item .title').map(text);
const item = (el: AdminNotificationCenter, title: string): HTMLElement => {
  const found = all(el, '.item').find((li) => text(li.querySelector('.title')) === title);
  if (!found) throw new Error(`no item "${title}"; have ${titles(el).join(' | ')}`);
  return found;
};
const activeInShadow = (el: Element): Element | null => shadow(el).activeElement;

let counter = 0;
/** A unique user per test, so read state and unread counts start from zero on the shared hub. */
const user = (): string => `center-admin-${++counter}-${Date.now()}`;

describe('<admin-notification-center>', () => {
  const ctx = useHub({ resetLocale: true });

  async function mount(sub = user(), attrs = html`<admin-notification-center></admin-notification-center>`) {
    const token = await hubToken(sub);
    const { provider, el } = await withProvider<AdminNotificationCenter>(
      ctx.hub,
      token,
      attrs,
      'admin-notification-center',
    );
    await el.updateComplete;
    return { provider, el, token, sub };
  }

  /** Publishes notifications addressed to one user only, so other tests' users are unaffected. */
  const notify = (sub: string, ...items: Record<string, unknown>[]) =>
    publish(ctx.hub, ...items.map((n) => ({ kind: 'notification', audience: { userIds: [sub] }, ...n })));

  it('shows published notifications with priority, category and a relative time, and announces them', async () => {
    const { el, sub } = await mount();
    await waitUntil(
      () => text(shadow(el).querySelector('[part~="empty"]')) === 'No unread notifications.',
      'empty state',
    );
    await expect(el).to.be.accessible();
    await notify(
      sub,
      { title: 'Payment failed', message: 'Card declined for Acme', category: 'billing', priority: 'high' },
      { title: 'Agent offline', category: 'agents', priority: 'critical' },
    );
    await waitUntil(() => titles(el).length === 2, 'two notifications listed');
    expect(titles(el)).to.deep.equal(['Agent offline', 'Payment failed']);
    const payment = item(el, 'Payment failed');
    expect(payment.dataset.priority).to.equal('high');
    expect(text(payment.querySelector('[part~="category"]'))).to.equal('Billing');
    expect(text(payment.querySelector('[part~="priority"]'))).to.equal('High');
    expect(text(payment.querySelector('time'))).to.equal('just now');
    expect(payment.querySelector('time')?.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(text(one(el, '[role="tab"][aria-selected="true"]'))).to.equal('Unread (2)');
    await waitUntil(
      () => text(one(el, '[role="status"]')) === '2 new notifications',
      'one announcement for both arrivals',
    );
    await expect(el).to.be.accessible();
  });

  it('marks one read on the hub: another session of the same user sees it read', async () => {
    const { el, sub, token } = await mount();
    await notify(sub, { title: 'Keep me' }, { title: 'Read me' });
    await waitUntil(() => titles(el).length === 2, 'listed');
    const other = await liveClient(ctx.hub, token);
    ctx.clients.push(other);
    const button = item(el, 'Read me').querySelector<HTMLButtonElement>('[part~="mark-read"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Mark “Read me” as read');
    button.click();
    await waitUntil(() => titles(el).join() === 'Keep me', 'read item leaves the Unread tab');
    await waitUntil(
      () => other.store.getState().notifications.find((n) => n.title === 'Read me')?.read === true,
      'the second session sees the read state',
    );
    expect(other.store.getState().unread.total).to.equal(1);
    expect(other.store.getState().notifications.find((n) => n.title === 'Keep me')?.read).to.equal(false);
  });

  it('marks all read within the category filter only, and clears after a confirm step', async () => {
    const { el, sub, token } = await mount();
    await notify(
      sub,
      { title: 'Invoice 1', category: 'billing' },
      { title: 'Invoice 2', category: 'billing' },
      { title: 'Login from new IP', category: 'security' },
    );
    await waitUntil(() => titles(el).length === 3, 'listed');
    const other = await liveClient(ctx.hub, token);
    ctx.clients.push(other);
    const category = one<HTMLSelectElement>(el, 'select');
    category.value = 'billing';
    category.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.getAttribute('category')).to.equal('billing');
    expect(titles(el)).to.deep.equal(['Invoice 2', 'Invoice 1']);
    const markAll = all<HTMLButtonElement>(el, '.actions .action')[0]!;
    expect(text(markAll)).to.equal('Mark matching read');
    markAll.click();
    await waitUntil(() => other.store.getState().unread.total === 1, 'hub unread drops to the security one');
    const read = Object.fromEntries(other.store.getState().notifications.map((n) => [n.title, n.read]));
    expect(read).to.deep.equal({ 'Login from new IP': false, 'Invoice 2': true, 'Invoice 1': true });
    await waitUntil(
      () => text(one(el, '[part~="empty"]')) === 'No notifications match these filters.',
      'empty filtered',
    );
    await expect(el).to.be.accessible();

    // Clear: asks first, Cancel keeps everything, the confirm clears on the hub.
    el.category = '';
    el.tab = 'all';
    await el.updateComplete;
    all<HTMLButtonElement>(el, '.actions .action')[1]!.click();
    await el.updateComplete;
    expect(text(one(el, '.confirm span'))).to.equal('Clear all notifications?');
    expect(activeInShadow(el)).to.equal(one(el, '[data-confirm]'));
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(titles(el)).to.have.length(3);
    expect(text(activeInShadow(el) as HTMLElement)).to.equal('Clear');
    all<HTMLButtonElement>(el, '.actions .action')[1]!.click();
    await el.updateComplete;
    one<HTMLButtonElement>(el, '[data-confirm]').click();
    await waitUntil(() => other.store.getState().notifications.length === 0, 'cleared on the hub');
    await waitUntil(() => text(shadow(el).querySelector('[part~="empty"]')) === 'No notifications yet.', 'empty list');
  });

  it('switches tabs and filters by keyboard', async () => {
    const { el, sub } = await mount();
    await notify(sub, { title: 'Old news', priority: 'low' }, { title: 'Urgent', priority: 'critical' });
    await waitUntil(() => titles(el).length === 2, 'listed');
    item(el, 'Old news').querySelector<HTMLButtonElement>('[part~="mark-read"]')!.click();
    await waitUntil(() => titles(el).length === 1, 'one unread left');
    el.focus();
    expect(activeInShadow(el)?.id).to.equal('tab-unread');
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.getAttribute('tab')).to.equal('all');
    expect(activeInShadow(el)?.id).to.equal('tab-all');
    expect(one(el, '#tab-all').getAttribute('aria-selected')).to.equal('true');
    expect(one(el, '#tab-unread').getAttribute('tabindex')).to.equal('-1');
    expect(titles(el)).to.deep.equal(['Urgent', 'Old news']);
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(el.tab).to.equal('unread');
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(el.tab).to.equal('archived');
    expect(activeInShadow(el)?.id).to.equal('tab-archived');
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect(el.tab).to.equal('all');
    // Tab to the priority select and pick "Low" with the arrow keys.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    const priority = all<HTMLSelectElement>(el, 'select')[1]!;
    expect(activeInShadow(el)).to.equal(priority);
    expect(priority.labels?.[0]?.textContent).to.contain('Priority');
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => el.priority === 'low', 'priority filter chosen by keyboard');
    await el.updateComplete;
    expect(el.getAttribute('priority')).to.equal('low');
    expect(titles(el)).to.deep.equal(['Old news']);
    await expect(el).to.be.accessible();
  });

  it('moves between items with the arrow keys, marks read with M, and opens with Enter', async () => {
    const { el, sub } = await mount();
    await notify(
      sub,
      { title: 'First', link: 'https://example.com/first' },
      { title: 'Second' },
      { title: 'Third', link: 'https://example.com/third' },
    );
    await waitUntil(() => titles(el).length === 3, 'listed');
    const items = all(el, '.item');
    expect(items.map((li) => li.tabIndex)).to.deep.equal([0, -1, -1]);
    items[0]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(activeInShadow(el)).to.equal(item(el, 'Second'));
    expect(all(el, '.item').map((li) => li.tabIndex)).to.deep.equal([-1, 0, -1]);
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(activeInShadow(el)).to.equal(item(el, 'First'));
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(activeInShadow(el)).to.equal(item(el, 'Third'));

    // Enter fires a cancelable event; cancelled, the link is not followed and the item stays unread.
    const followed: string[] = [];
    const onClick = (event: MouseEvent) => {
      const anchor = event.composedPath()[0];
      if (anchor instanceof HTMLAnchorElement) {
        followed.push(`${anchor.href} ${anchor.target} ${anchor.rel}`);
        event.preventDefault();
      }
    };
    document.addEventListener('click', onClick);
    try {
      const cancel = (e: Event) => e.preventDefault();
      el.addEventListener('realtime-notification-click', cancel, { once: true });
      setTimeout(() => sendKeys({ press: 'Enter' }));
      const cancelled = await oneEvent(el, 'realtime-notification-click');
      expect(cancelled.detail.notification.title).to.equal('Third');
      expect(followed).to.deep.equal([]);
      // Not cancelled: the link is followed (noopener, noreferrer) and the item is marked read.
      setTimeout(() => sendKeys({ press: 'Enter' }));
      const opened = await oneEvent(el, 'realtime-notification-click');
      expect(opened.detail.notification.title).to.equal('Third');
      expect(followed).to.deep.equal(['https://example.com/third _blank noopener noreferrer']);
      await waitUntil(() => titles(el).join() === 'Second,First', 'opened item is read');
      await waitUntil(() => activeInShadow(el) === item(el, 'Second'), 'focus moves to the neighbour');
      // An item without a link only fires the event.
      setTimeout(() => sendKeys({ press: 'Enter' }));
      const plain = await oneEvent(el, 'realtime-notification-click');
      expect(plain.detail.notification.title).to.equal('Second');
      expect(followed).to.have.length(1);
    } finally {
      document.removeEventListener('click', onClick);
    }
    await waitUntil(() => titles(el).join() === 'First', 'second read after opening');
    await waitUntil(() => activeInShadow(el) === item(el, 'First'), 'focus on the remaining item');
    await sendKeys({ press: 'm' });
    await waitUntil(() => titles(el).length === 0, 'M marks read');
  });

  it('never renders a non-http link as a link', async () => {
    const transport = new MemoryTransport();
    const store = createStore(transport);
    transport.connect();
    const base = { kind: 'notification' as const, category: 'security', priority: 'high' as const, read: false };
    transport.receive({
      type: 'snapshot',
      seq: 2,
      notifications: [
        {
          ...base,
          id: 'a',
          seq: 2,
          title: 'Script link',
          link: 'javascript:alert(1)',
          createdAt: new Date().toISOString(),
        },
        {
          ...base,
          id: 'b',
          seq: 1,
          title: 'Safe link',
          link: 'https://example.com/',
          createdAt: new Date().toISOString(),
        },
      ],
      hasMore: false,
      unread: { ...noUnread(), total: 2 },
      activity: [],
      status: null,
      agents: null,
      metrics: { t: [], series: {} },
    });
    const el = await fixture<AdminNotificationCenter>(
      html`<admin-notification-center .store=${store}></admin-notification-center>`,
    );
    await waitUntil(() => titles(el).length === 2, 'listed');
    const scripted = item(el, 'Script link');
    expect(scripted.querySelector('a')).to.equal(null);
    expect(shadow(el).innerHTML).not.to.contain('javascript:');
    expect(item(el, 'Safe link').querySelector('a')?.getAttribute('href')).to.equal('https://example.com/');

    // A refused action rolls back and says so, until dismissed.
    transport.onSend = (action) => {
      if (action.type === 'markRead')
        transport.receive({
          type: 'error',
          code: 'unknown-notification',
          message: 'unknown notification',
          ref: action.ref!,
        });
    };
    item(el, 'Safe link').querySelector<HTMLButtonElement>('[part~="mark-read"]')!.click();
    await waitUntil(() => shadow(el).querySelector('[role="alert"]'), 'error banner');
    expect(text(one(el, '[role="alert"] span'))).to.equal('Something went wrong: unknown notification');
    expect(titles(el)).to.include('Safe link');
    await expect(el).to.be.accessible();
    one<HTMLButtonElement>(el, '[role="alert"] button').click();
    await el.updateComplete;
    expect(shadow(el).querySelector('[role="alert"]')).to.equal(null);
    store.destroy();
  });

  it('holds arrivals behind an "N new" button while the reader is scrolled down', async () => {
    const { el, sub } = await mount();
    el.style.setProperty('--realtime-center-max-height', '18rem');
    await notify(sub, ...Array.from({ length: 12 }, (_, i) => ({ title: `Item ${i + 1}` })));
    await waitUntil(() => titles(el).length === 12, 'listed');
    const scroller = one(el, '.scroller');
    scroller.scrollTop = 200;
    await waitUntil(() => scroller.scrollTop > 4, 'scrolled');
    await notify(sub, { title: 'Late 1' }, { title: 'Late 2' });
    await waitUntil(() => shadow(el).querySelector('[part~="new"]'), '"N new" button');
    expect(text(one(el, '[part~="new"]'))).to.equal('2 new');
    expect(titles(el)).not.to.include('Late 1');
    expect(titles(el)[0]).to.equal('Item 12');
    expect(scroller.scrollTop).to.be.greaterThan(4);
    await expect(el).to.be.accessible();
    one<HTMLButtonElement>(el, '[part~="new"]').click();
    await waitUntil(() => titles(el)[0] === 'Late 2', 'revealed');
    expect(scroller.scrollTop).to.equal(0);
    expect(activeInShadow(el)).to.equal(item(el, 'Late 2'));
    expect(shadow(el).querySelector('[part~="new"]')).to.equal(null);
    // At the top (focus outside the list) arrivals appear directly.
    (shadow(el).activeElement as HTMLElement).blur();
    await notify(sub, { title: 'Direct' });
    await waitUntil(() => titles(el)[0] === 'Direct', 'appears directly at the top');
    expect(shadow(el).querySelector('[part~="new"]')).to.equal(null);
  });

  it('loads older notifications from the hub history, once every loaded one is shown', async () => {
    const sub = user();
    await notify(sub, ...Array.from({ length: 56 }, (_, i) => ({ title: `N${i + 1}` })));
    const { el } = await mount(sub, html`<admin-notification-center tab="all"></admin-notification-center>`);
    // The snapshot's page of 50 is loaded; 25 rows show, then the rest of the page, then older ones.
    await waitUntil(() => titles(el).length === 25, 'first rows of the page from the snapshot');
    expect(text(one(el, '[part~="show-more"]'))).to.equal('Show 25 more');
    expect(shadow(el).querySelector('[part~="load-older"]')).to.equal(null);
    one<HTMLButtonElement>(el, '[part~="show-more"]').click();
    await waitUntil(() => titles(el).length === 50, 'the whole first page');
    expect(shadow(el).querySelector('[part~="show-more"]')).to.equal(null);
    const more = one<HTMLButtonElement>(el, '[part~="load-older"]');
    expect(text(more)).to.equal('Load older');
    more.click();
    await waitUntil(() => titles(el).length === 56, 'older page appended');
    expect(titles(el).at(-1)).to.equal('N1');
    expect(shadow(el).querySelector('[part~="load-older"]')).to.equal(null);
    expect(shadow(el).querySelector('[part~="new"]')).to.equal(null);
  });

  /** Mounts a center (18rem high) and publishes N1…N60 to it live: 60 loaded, the hub has no older ones. */
  async function mountSixty() {
    const mounted = await mount();
    mounted.el.style.setProperty('--realtime-center-max-height', '18rem');
    await notify(mounted.sub, ...Array.from({ length: 60 }, (_, i) => ({ title: `N${i + 1}` })));
    await waitUntil(() => titles(mounted.el)[0] === 'N60', 'listed');
    return mounted;
  }
  const showMore = (el: AdminNotificationCenter) => shadow(el).querySelector<HTMLButtonElement>('[part~="show-more"]');
  /** Two frames: any intersection report and the render it asks for have happened. */
  const settled = async (el: AdminNotificationCenter) => {
    await nextFrame();
    await nextFrame();
    await el.updateComplete;
  };

  it('renders 25 rows, more on request and when scrolled near the end', async () => {
    const { el, provider } = await mountSixty();
    await settled(el);
    expect(titles(el)).to.have.length(25);
    expect(titles(el).at(-1)).to.equal('N36');
    const button = showMore(el)!;
    expect(text(button)).to.equal('Show 35 more');
    expect(button.localName).to.equal('button');
    expect(button.closest('[role="list"]'), 'outside the list').to.equal(null);
    expect(button.getBoundingClientRect().height, 'visible').to.be.greaterThan(0);
    expect(shadow(el).querySelector('[part~="load-older"]')).to.equal(null);
    expect(getComputedStyle(item(el, 'N60')).contentVisibility).to.equal('visible');
    await expect(el).to.be.accessible();
    await setLocale('de');
    await el.updateComplete;
    expect(text(showMore(el))).to.equal('35 weitere anzeigen');
    await expect(el).to.be.accessible();
    await setLocale(undefined);
    await el.updateComplete;

    // Tabbed to, the button stays where it is (in view, focused) until pressed.
    showMore(el)!.focus();
    await settled(el);
    expect(titles(el), 'no growth under the focused button').to.have.length(25);
    // Pressed, it shows 25 more, and focus moves to the first of them.
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => titles(el).length === 50, '25 more rendered');
    await waitUntil(() => activeInShadow(el) === item(el, 'N35'), 'focus on the first new row');
    expect(item(el, 'N35').tabIndex).to.equal(0);
    await settled(el);
    expect(titles(el), 'nothing more until the reader gets near the end').to.have.length(50);
    expect(text(showMore(el))).to.equal('Show 10 more');

    // Scrolled to the end, the rest shows without a click (also after being taken out and put back).
    el.remove();
    provider.append(el);
    await settled(el);
    expect(titles(el)).to.have.length(50);
    const scroller = one(el, '.scroller');
    scroller.scrollTop = scroller.scrollHeight;
    await waitUntil(() => titles(el).length === 60, 'grown by scrolling');
    expect(titles(el).at(-1)).to.equal('N1');
    expect(showMore(el)).to.equal(null);
    expect(shadow(el).querySelector('[part~="load-older"]'), 'the hub has no older ones').to.equal(null);
  });

  it('keeps growing while the end stays in view (a tall scroller)', async () => {
    const { el } = await mountSixty();
    el.style.setProperty('--realtime-center-max-height', '400rem');
    await waitUntil(() => titles(el).length === 60, 'every row, 25 at a time');
    expect(showMore(el)).to.equal(null);
  });

  it('reaches every notification by keyboard, rendering rows before focusing them', async () => {
    const { el } = await mountSixty();
    await settled(el);
    expect(titles(el)).to.have.length(25);
    item(el, 'N60').focus();
    await sendKeys({ press: 'End' });
    await waitUntil(() => activeInShadow(el) === item(el, 'N1'), 'the last of the 60 focused');
    expect(titles(el)).to.have.length(60);
    expect(showMore(el)).to.equal(null);
    await sendKeys({ press: 'Home' });
    await waitUntil(() => activeInShadow(el) === item(el, 'N60'), 'the first focused');
    expect(titles(el), 'no shrinking under the reader').to.have.length(60);
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    expect(activeInShadow(el)).to.equal(item(el, 'N60'));
  });

  it('moves past the last rendered row with Arrow Down', async () => {
    const { el } = await mountSixty();
    await settled(el);
    // Focused without scrolling, so the end of the list is not near view and the observer waits.
    item(el, 'N36').focus({ preventScroll: true });
    await settled(el);
    expect(titles(el)).to.have.length(25);
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => activeInShadow(el) === item(el, 'N35'), 'the row after the window focused');
    expect(titles(el).length).to.be.greaterThan(25);
    const stops = all(el, '.item').filter((li) => li.tabIndex === 0);
    expect(stops).to.deep.equal([item(el, 'N35')]);
  });

  it('goes back to 25 rows when arrivals come in at the top, or a tab changes; never while scrolled down', async () => {
    const { el, sub } = await mountSixty();
    const scroller = one(el, '.scroller');
    await settled(el);
    showMore(el)!.click();
    await waitUntil(() => titles(el).length === 50, 'expanded');
    await waitUntil(() => activeInShadow(el) === item(el, 'N35'), 'focus on the first new row');
    (activeInShadow(el) as HTMLElement).blur();
    await waitUntil(() => scroller.scrollTop > 4, 'scrolled down to it');
    await settled(el);

    // Scrolled down: the arrival waits, and nothing moves.
    await notify(sub, { title: 'While scrolled' });
    await waitUntil(() => shadow(el).querySelector('[part~="new"]'), '"1 new" button');
    expect(titles(el)).to.have.length(50);
    expect(titles(el)).not.to.include('While scrolled');

    // Back at the top the arrival is taken in, and the window shrinks.
    scroller.scrollTop = 0;
    await waitUntil(() => titles(el)[0] === 'While scrolled', 'taken in at the top');
    expect(titles(el)).to.have.length(25);
    expect(text(showMore(el))).to.equal('Show 36 more');

    // Expanded by keyboard, then left at the top: the next arrival shrinks it.
    item(el, 'While scrolled').focus();
    await sendKeys({ press: 'End' });
    await waitUntil(() => titles(el).length === 61, 'expanded to the end');
    await sendKeys({ press: 'Home' });
    await waitUntil(() => activeInShadow(el) === item(el, 'While scrolled'), 'back at the first');
    (activeInShadow(el) as HTMLElement).blur();
    await waitUntil(() => scroller.scrollTop === 0, 'at the top');
    await settled(el);
    await notify(sub, { title: 'At the top' });
    await waitUntil(() => titles(el)[0] === 'At the top', 'shown directly');
    expect(titles(el)).to.have.length(25);

    // A tab (or filter) change starts from 25 rows too.
    showMore(el)!.click();
    await waitUntil(() => titles(el).length === 50, 'expanded again');
    el.tab = 'all';
    await el.updateComplete;
    expect(titles(el)).to.have.length(25);
    expect(text(showMore(el))).to.equal('Show 37 more');
    await expect(el).to.be.accessible();
  });

  it('shows the offline and sign-in states in words', async () => {
    const local = await startHub();
    const token = await hubToken('center-offline');
    const { el } = await withProvider<AdminNotificationCenter>(
      local,
      token,
      html`<admin-notification-center heading="Inbox"></admin-notification-center>`,
      'admin-notification-center',
    );
    expect(text(one(el, '.heading'))).to.equal('Inbox');
    await stopHub(local);
    await waitUntil(
      () =>
        text(shadow(el).querySelector('[part~="banner"]')) === 'Offline: showing the notifications received so far.',
      'offline banner',
    );
    await expect(el).to.be.accessible();

    const bad = await fixture(
      html`<realtime-provider url=${ctx.hub.wsUrl} token="not-a-jwt"><admin-notification-center></admin-notification-center></realtime-provider>`,
    );
    const center = bad.querySelector('admin-notification-center')!;
    await waitUntil(
      () => text(shadow(center).querySelector('[part~="banner"]')) === 'Sign-in expired: notifications are paused.',
      'auth banner',
      { timeout: 8000 },
    );
    await expect(center).to.be.accessible();
  });

  it('themes through custom properties and parts, in German', async () => {
    const { el, sub } = await mount();
    await notify(sub, { title: 'Rechnung offen', category: 'billing', priority: 'medium' });
    await waitUntil(() => titles(el).length === 1, 'listed');
    el.style.setProperty('--realtime-category-billing', 'rgb(1, 2, 3)');
    const dot = item(el, 'Rechnung offen').querySelector('.dot')!;
    expect(getComputedStyle(dot).backgroundColor).to.equal('rgb(1, 2, 3)');
    const style = document.createElement('style');
    style.textContent = 'admin-notification-center::part(item) { border-inline-end: 3px solid rgb(4, 5, 6); }';
    document.head.append(style);
    try {
      expect(getComputedStyle(item(el, 'Rechnung offen')).borderInlineEndColor).to.equal('rgb(4, 5, 6)');
    } finally {
      style.remove();
    }
    await setLocale('de');
    await el.updateComplete;
    expect(text(one(el, '#tab-unread'))).to.equal('Ungelesen (1)');
    expect(text(item(el, 'Rechnung offen').querySelector('[part~="category"]'))).to.equal('Abrechnung');
    expect(text(item(el, 'Rechnung offen').querySelector('[part~="priority"]'))).to.equal('Mittel');
    expect(text(item(el, 'Rechnung offen').querySelector('time'))).to.equal('gerade eben');
    expect(text(all(el, '.actions .action')[0])).to.equal('Alle als gelesen markieren');
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: 'dark' });
    try {
      expect(getComputedStyle(el).backgroundColor).to.equal('rgb(22, 27, 34)');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });
});
