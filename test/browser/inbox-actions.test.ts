/**
 * The center's inbox actions (issue 17 item 1): the row's "More actions" menu, the shortcuts on a
 * focused row, focus after a row leaves, the undo bar, the Archived view, German, 320 px, and the
 * menu inside the bell's popover. The store is the real one on a memory transport; the test plays
 * the hub: it answers each inbox request with an `ack` and the spec's `inbox` stream event (and an
 * archived `history` for the Archived view), and reads what the store sent. The last part runs on
 * a real hub: two sessions of one admin, each with its own center and socket.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/notification-bell/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import { snoozePresets } from '../../src/components/admin-notification-center/inbox-actions.js';
import type { NotificationBell } from '../../src/components/notification-bell/notification-bell.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { type ListedNotification, noUnread } from '../../src/core/protocol.js';
import { createStore, type ManagedStore } from '../../src/core/store.js';
import { MemoryTransport, snapshotMessage } from '../support/memory-transport.js';
import { all, hubToken, liveClient, one, publish, shadow, text, useHub, withProvider } from './widget-hub.js';

const note = (i: number, over: Partial<ListedNotification> = {}): ListedNotification => ({
  kind: 'notification',
  id: `n${i}`,
  seq: i,
  title: `Note ${i}`,
  category: 'system',
  priority: 'medium',
  createdAt: new Date().toISOString(),
  read: false,
  ...over,
});

/** What the store sent, other than the archived `history`. */
interface Sent {
  type: string;
  ids?: string[];
  until?: number;
  view?: string;
  ref?: string;
}

const EVENT: Record<string, string> = {
  markUnread: 'unread',
  archive: 'archived',
  unarchive: 'unarchived',
  snooze: 'snoozed',
  unsnooze: 'unsnoozed',
  delete: 'deleted',
  restore: 'restored',
};

/**
 * Plays the hub for one admin: answers each request after the current task, as a socket would,
 * with `ack` and the `inbox` event; keeps which notifications are archived for the Archived view.
 */
function playHub(transport: MemoryTransport, notes: ListedNotification[], archived: ListedNotification[]) {
  let seq = 100;
  const byId = new Map([...notes, ...archived].map((n) => [n.id, n]));
  const archivedIds = new Set(archived.map((n) => n.id));
  transport.onSend = (action) => {
    const a = action as unknown as Sent;
    setTimeout(() => {
      if (a.type === 'history' && a.view === 'archived') {
        const list = [...archivedIds].map((id) => ({ ...byId.get(id)!, archived: true as const }));
        transport.receive({ type: 'history', notifications: list.reverse(), hasMore: false, ref: a.ref });
        return;
      }
      transport.receive({ type: 'ack', ref: a.ref! });
      const kind = EVENT[a.type];
      if (!kind || !a.ids) return;
      for (const id of a.ids) {
        if (a.type === 'archive') archivedIds.add(id);
        if (a.type === 'unarchive') archivedIds.delete(id);
      }
      const back = ['unarchived', 'unsnoozed', 'restored'].includes(kind)
        ? a.ids.map((id) => (archivedIds.has(id) ? { ...byId.get(id)!, archived: true as const } : byId.get(id)!))
        : undefined;
      const event = {
        kind: 'inbox',
        id: `e${++seq}`,
        seq,
        action: kind,
        ids: a.ids,
        unread: noUnread(),
        until: a.until,
      };
      transport.receive({ type: 'event', event: { ...event, ...(back && { notifications: back }) } as never });
    });
  };
}

const rows = (el: AdminNotificationCenter): HTMLElement[] => all(el, '.item');
const ids = (el: AdminNotificationCenter): string[] => rows(el).map((li) => li.dataset.id!);
const row = (el: AdminNotificationCenter, id: string): HTMLElement => one(el, `.item[data-id="${id}"]`);
const active = (el: AdminNotificationCenter): Element | null => shadow(el).activeElement;
const menuItems = (el: AdminNotificationCenter): HTMLElement[] => all(el, '[role="menu"] [role="menuitem"]');
/** A menu item's words without its shortcut hint. */
const label = (item: Element): string =>
  [...item.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent)
    .join('')
    .trim();
const status = (el: AdminNotificationCenter): string => text(one(el, '[part~="undo-message"]'));

describe('<admin-notification-center> inbox actions', () => {
  let stores: ManagedStore[] = [];
  afterEach(() => {
    for (const store of stores) store.destroy();
    stores = [];
  });

  async function mount(notes: ListedNotification[], options: { archived?: ListedNotification[]; tab?: string } = {}) {
    const transport = new MemoryTransport();
    const store = createStore(transport);
    stores.push(store);
    transport.connect();
    playHub(transport, notes, options.archived ?? []);
    const unread = notes.filter((n) => !n.read).length;
    transport.receive(snapshotMessage({ notifications: notes, unread: { ...noUnread(), total: unread } }));
    const el = await fixture<AdminNotificationCenter>(
      html`<admin-notification-center tab=${options.tab ?? 'all'} .store=${store}></admin-notification-center>`,
    );
    if (notes.length && options.tab !== 'archived') await waitUntil(() => rows(el).length === notes.length, 'listed');
    const sent = () =>
      (transport.sent as unknown as Sent[]).map(({ ref: _ref, ...rest }) => rest).filter((a) => a.type !== 'history');
    return { el, transport, store, sent };
  }

  it('opens a row menu by keyboard (menu button pattern), axe clean, Escape back to its button', async () => {
    const { el } = await mount([note(2), note(1, { read: true })]);
    const more = row(el, 'n2').querySelector<HTMLButtonElement>('[part~="more"]')!;
    expect(more.getAttribute('aria-label')).to.equal('More actions for “Note 2”');
    expect(more.getAttribute('aria-haspopup')).to.equal('menu');
    expect(more.getAttribute('aria-expanded')).to.equal('false');
    more.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => menuItems(el).length > 0 && active(el) === menuItems(el)[0], 'menu open on its first item');
    const menu = one(el, '[role="menu"]');
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    expect(more.getAttribute('aria-controls')).to.equal(menu.id);
    expect(menu.getAttribute('aria-label')).to.equal('Actions for “Note 2”');
    expect(menuItems(el).map(label)).to.deep.equal([
      'Mark read',
      'Archive',
      'For 1 hour',
      `Tomorrow morning (${new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' }).format(snoozePresets().tomorrow)})`,
      menuItems(el)[4] ? label(menuItems(el)[4]!) : '',
      'Delete for me',
    ]);
    expect(label(menuItems(el)[4]!)).to.match(/^Next week \(Mon /);
    expect(one(el, '[role="menu"] [role="group"]').getAttribute('aria-label')).to.equal('Snooze');
    expect(menuItems(el).map((i) => i.getAttribute('aria-keyshortcuts'))).to.deep.equal([
      'U',
      'E',
      null,
      null,
      null,
      'Delete',
    ]);
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'ArrowDown' });
    expect(active(el)).to.equal(menuItems(el)[1]);
    await sendKeys({ press: 'End' });
    expect(active(el)).to.equal(menuItems(el)[5]);
    await sendKeys({ press: 'ArrowDown' });
    expect(active(el), 'wraps to the first').to.equal(menuItems(el)[0]);
    await sendKeys({ press: 'ArrowUp' });
    expect(active(el), 'wraps to the last').to.equal(menuItems(el)[5]);
    await sendKeys({ press: 'Home' });
    expect(active(el)).to.equal(menuItems(el)[0]);
    expect(el.tab, 'the arrows stayed in the menu').to.equal('all');
    expect(ids(el)).to.deep.equal(['n2', 'n1']);

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !shadow(el).querySelector('[role="menu"]'), 'menu closed');
    expect(active(el)).to.equal(more);
    expect(more.getAttribute('aria-expanded')).to.equal('false');

    // Arrow Up on the button opens on the last item; Tab leaves and closes.
    await sendKeys({ press: 'ArrowUp' });
    await waitUntil(() => active(el) === menuItems(el)[5], 'menu open on its last item');
    await sendKeys({ press: 'Tab' });
    await waitUntil(() => !shadow(el).querySelector('[role="menu"]'), 'closed by Tab');

    // A read row offers Mark unread; a click on its button toggles the menu.
    const otherMore = row(el, 'n1').querySelector<HTMLButtonElement>('[part~="more"]')!;
    otherMore.click();
    await waitUntil(() => menuItems(el).length > 0, 'open by click');
    expect(label(menuItems(el)[0]!)).to.equal('Mark unread');
    otherMore.click();
    await waitUntil(() => menuItems(el).length === 0, 'closed by the second click');
  });

  it('a menu opened on the last row of a list that scrolls is brought into view whole', async () => {
    const { el } = await mount(Array.from({ length: 8 }, (_, i) => note(8 - i)));
    // A list taller than its box (24rem), which still has room for the whole menu.
    el.style.setProperty('--realtime-center-max-height', '24rem');
    const scroller = one(el, '.scroller');
    await waitUntil(() => scroller.scrollHeight > scroller.clientHeight, 'the list scrolls');
    rows(el).at(-1)!.querySelector<HTMLButtonElement>('[part~="more"]')!.click();
    await waitUntil(() => menuItems(el).length > 0, 'menu open');
    const box = scroller.getBoundingClientRect();
    expect(one(el, '[role="menu"]').getBoundingClientRect().height).to.be.below(box.height);
    await waitUntil(
      () => one(el, '[role="menu"]').getBoundingClientRect().bottom <= box.bottom + 1,
      'the whole menu in view',
    );
  });

  it('archives from the menu: sent, focus on the next row, undo bar; Z brings it back focused', async () => {
    const { el, sent } = await mount([note(3), note(2), note(1)]);
    row(el, 'n2').querySelector<HTMLButtonElement>('[part~="more"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => active(el) === menuItems(el)[0], 'menu open');
    await sendKeys({ press: 'ArrowDown' });
    expect(label(active(el)!)).to.equal('Archive');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !ids(el).includes('n2'), 'archived row leaves the list');
    expect(sent()).to.deep.equal([{ type: 'archive', ids: ['n2'] }]);
    await waitUntil(() => active(el) === row(el, 'n1'), 'focus on the next row');
    expect(status(el)).to.equal('Archived. Press Z to undo.');
    expect(one(el, '[part~="undo-message"]').getAttribute('role')).to.equal('status');
    expect(text(one(el, '[part~="undo"]'))).to.equal('Undo');
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'z' });
    await waitUntil(() => ids(el).includes('n2'), 'back in the list');
    expect(sent().at(-1)).to.deep.equal({ type: 'unarchive', ids: ['n2'] });
    await waitUntil(() => active(el) === row(el, 'n2'), 'focus on the row that came back');
    expect(ids(el)).to.deep.equal(['n3', 'n2', 'n1']);
    expect(status(el)).to.equal('Undone.');
    expect(shadow(el).querySelector('[part~="undo"]'), 'nothing more to undo').to.equal(null);
  });

  it('shortcuts on the focused row: U, E, # and Delete, S; focus next, else previous, else the panel; Undo button', async () => {
    const { el, sent } = await mount([note(4, { read: true }), note(3), note(2), note(1)]);
    row(el, 'n4').focus();
    await sendKeys({ press: 'u' });
    await waitUntil(() => row(el, 'n4').hasAttribute('data-unread'), 'marked unread');
    expect(sent()).to.deep.equal([{ type: 'markUnread', ids: ['n4'] }]);
    expect(status(el)).to.equal('Marked unread.');
    expect(active(el)).to.equal(row(el, 'n4'));
    await sendKeys({ press: 'u' });
    await waitUntil(() => !row(el, 'n4').hasAttribute('data-unread'), 'U again: read');
    expect(sent().at(-1)).to.deep.equal({ type: 'markRead', ids: ['n4'] });

    await sendKeys({ press: 'e' });
    await waitUntil(() => active(el) === row(el, 'n3'), 'E archived it; focus on the next row');
    expect(sent().at(-1)).to.deep.equal({ type: 'archive', ids: ['n4'] });
    await sendKeys({ press: '#' });
    await waitUntil(() => active(el) === row(el, 'n2'), '# deleted it; focus on the next row');
    expect(sent().at(-1)).to.deep.equal({ type: 'delete', ids: ['n3'] });
    expect(status(el)).to.equal('Deleted. Press Z to undo.');
    // The last row: focus goes to the previous one.
    row(el, 'n1').focus();
    await sendKeys({ press: 'Delete' });
    await waitUntil(() => active(el) === row(el, 'n2'), 'Delete deleted the last row; focus on the previous');
    expect(sent().at(-1)).to.deep.equal({ type: 'delete', ids: ['n1'] });

    // S opens the menu on the first snooze preset; the only row left goes, focus to the panel.
    await sendKeys({ press: 's' });
    await waitUntil(() => active(el) !== null && label(active(el)!) === 'For 1 hour', 'S: on the first preset');
    const before = Date.now();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => rows(el).length === 0, 'snoozed row leaves');
    const snooze = sent().at(-1)!;
    expect(snooze.type).to.equal('snooze');
    expect(snooze.ids).to.deep.equal(['n2']);
    expect(snooze.until).to.be.within(before + 3_600_000 - 1000, Date.now() + 3_600_000);
    await waitUntil(() => active(el) === one(el, '[role="tabpanel"]'), 'focus on the panel');
    expect(status(el)).to.match(/^Snoozed until \w{3} \d{1,2}:\d\d [AP]M\. Press Z to undo\.$/);
    await expect(el).to.be.accessible();

    one<HTMLButtonElement>(el, '[part~="undo"]').click();
    await waitUntil(() => ids(el).includes('n2'), 'unsnoozed');
    expect(sent().at(-1)).to.deep.equal({ type: 'unsnooze', ids: ['n2'] });
    await waitUntil(() => active(el) === row(el, 'n2'), 'focus on the row back');
  });

  it('the Archived view: loads the archived list, moves one to the inbox, deletes another', async () => {
    const { el, sent, transport } = await mount([note(3)], { archived: [note(1), note(2)] });
    one<HTMLButtonElement>(el, '#tab-archived').click();
    await waitUntil(() => ids(el).join() === 'n2,n1', 'archived listed');
    expect(text(one(el, '#tab-archived'))).to.equal('Archived');
    expect((transport.sent as unknown as Sent[]).find((a) => a.type === 'history')).to.include({ view: 'archived' });
    expect(shadow(el).querySelector('.actions'), 'no bulk actions here').to.equal(null);
    await expect(el).to.be.accessible();

    row(el, 'n2').querySelector<HTMLButtonElement>('[part~="more"]')!.click();
    await waitUntil(() => menuItems(el).length > 0, 'menu');
    expect(menuItems(el).map(label)).to.deep.equal(['Mark read', 'Move to inbox', 'Delete for me']);
    await sendKeys({ press: 'Escape' });
    row(el, 'n2').focus();
    await sendKeys({ press: 'e' });
    await waitUntil(() => active(el) === row(el, 'n1'), 'moved to the inbox; focus on the next');
    expect(sent()).to.deep.equal([{ type: 'unarchive', ids: ['n2'] }]);
    expect(status(el)).to.equal('Moved to the inbox.');
    expect(shadow(el).querySelector('[part~="undo"]')).to.equal(null);
    await sendKeys({ press: '#' });
    await waitUntil(() => rows(el).length === 0, 'deleted');
    expect(sent().at(-1)).to.deep.equal({ type: 'delete', ids: ['n1'] });
    expect(text(one(el, '[part~="empty"]'))).to.equal('No archived notifications.');
    await waitUntil(() => active(el) === one(el, '[role="tabpanel"]'), 'focus on the panel');

    one<HTMLButtonElement>(el, '#tab-all').click();
    await waitUntil(() => ids(el).join() === 'n3,n2', 'the one moved back is in the inbox');
  });

  it('says it in German', async () => {
    await setLocale('de');
    try {
      const { el } = await mount([note(2), note(1)]);
      expect(text(one(el, '#tab-archived'))).to.equal('Archiv');
      const more = row(el, 'n2').querySelector<HTMLButtonElement>('[part~="more"]')!;
      expect(more.getAttribute('aria-label')).to.equal('Weitere Aktionen für „Note 2“');
      more.click();
      await waitUntil(() => menuItems(el).length > 0, 'menu');
      expect(menuItems(el).map(label).slice(0, 3)).to.deep.equal([
        'Als gelesen markieren',
        'Archivieren',
        'Für 1 Stunde',
      ]);
      const eight = new Intl.DateTimeFormat('de', { hour: 'numeric', minute: '2-digit' }).format(
        snoozePresets().tomorrow,
      );
      expect(label(menuItems(el)[3]!)).to.equal(`Morgen früh (${eight})`);
      menuItems(el)[1]!.click();
      await waitUntil(() => status(el) === 'Archiviert. Z drücken zum Rückgängigmachen.', 'German status');
    } finally {
      await setLocale(undefined);
    }
  });

  it('fits 320 px with a menu open and the undo bar showing', async () => {
    await setViewport({ width: 320, height: 700 });
    try {
      const long = 'Supercalifragilisticexpialidocious-deployment-identifier-2026.11.25-7 finished';
      const { el } = await mount([note(2, { title: long, message: 'x'.repeat(300) }), note(1)]);
      row(el, 'n2').querySelector<HTMLButtonElement>('[part~="more"]')!.click();
      await waitUntil(() => menuItems(el).length > 0, 'menu');
      const fits = (what: string) => {
        expect(document.documentElement.scrollWidth, `${what}: page width`).to.be.at.most(innerWidth);
        const box = el.getBoundingClientRect();
        for (const part of all(el, '[part~="menu"], [part~="menu-item"], [part~="more"], [part~="undo-bar"]')) {
          const r = part.getBoundingClientRect();
          if (part.closest('.visually-hidden')) continue;
          expect(r.right, `${what}: ${part.getAttribute('part')} right`).to.be.at.most(box.right + 0.5);
          expect(r.left, `${what}: ${part.getAttribute('part')} left`).to.be.at.least(box.left - 0.5);
        }
      };
      fits('menu open');
      menuItems(el)[1]!.click();
      await waitUntil(() => rows(el).length === 1, 'archived');
      expect(one(el, '[part~="undo-bar"]').getBoundingClientRect().width).to.be.greaterThan(200);
      fits('undo bar');
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it("inside the bell's popover, Escape closes the menu and leaves the popover open", async () => {
    const transport = new MemoryTransport();
    const store = createStore(transport);
    stores.push(store);
    transport.connect();
    transport.receive(snapshotMessage({ notifications: [note(1)], unread: { ...noUnread(), total: 1 } }));
    const bell = await fixture<NotificationBell>(html`<notification-bell .store=${store}></notification-bell>`);
    one<HTMLButtonElement>(bell, 'button').click();
    await waitUntil(() => bell.open, 'popover open');
    const center = one(bell, '[part~="panel"]').querySelector('admin-notification-center')!;
    await waitUntil(() => rows(center).length === 1, 'listed in the popover');
    const more = row(center, 'n1').querySelector<HTMLButtonElement>('[part~="more"]')!;
    more.focus();
    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => menuItems(center).length > 0 && active(center) === menuItems(center)[0], 'menu open');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => menuItems(center).length === 0, 'menu closed');
    expect(bell.open, 'the popover stays open').to.equal(true);
    expect(one(bell, '[part~="panel"]').matches(':popover-open')).to.equal(true);
    expect(active(center)).to.equal(more);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !bell.open, 'a second Escape closes the popover');
  });

  it('snooze presets: tomorrow 08:00 and next Monday 08:00, local time', () => {
    const at = (y: number, m: number, d: number, h = 15) => new Date(y, m - 1, d, h, 30).getTime();
    const wednesday = snoozePresets(at(2026, 12, 2));
    expect(wednesday.hour).to.equal(at(2026, 12, 2) + 3_600_000);
    expect(new Date(wednesday.tomorrow)).to.deep.equal(new Date(2026, 11, 3, 8, 0));
    expect(new Date(wednesday.nextWeek)).to.deep.equal(new Date(2026, 11, 7, 8, 0));
    expect(new Date(snoozePresets(at(2026, 12, 7)).nextWeek), 'a Monday: the next one').to.deep.equal(
      new Date(2026, 11, 14, 8, 0),
    );
    expect(new Date(snoozePresets(at(2026, 12, 6)).nextWeek), 'a Sunday: tomorrow').to.deep.equal(
      new Date(2026, 11, 7, 8, 0),
    );
    expect(new Date(snoozePresets(at(2026, 12, 31, 23)).tomorrow), 'over the year').to.deep.equal(
      new Date(2027, 0, 1, 8, 0),
    );
  });
});

describe('<admin-notification-center> inbox actions on a real hub, two sessions of one admin', () => {
  const ctx = useHub();
  const titles = (el: AdminNotificationCenter): string[] => all(el, '.item .title').map(text);
  const byTitle = (el: AdminNotificationCenter, title: string): HTMLElement =>
    rows(el).find((li) => text(li.querySelector('.title')) === title)!;

  it('archive, undo, delete and a snooze that comes due reach the other session, with its unread count', async () => {
    const sub = `inbox-ui-${Date.now()}`;
    const token = await hubToken(sub);
    const { provider, el: a } = await withProvider<AdminNotificationCenter>(
      ctx.hub,
      token,
      html`<admin-notification-center tab="all"></admin-notification-center>`,
      'admin-notification-center',
    );
    const other = await liveClient(ctx.hub, token);
    ctx.clients.push(other);
    const b = await fixture<AdminNotificationCenter>(
      html`<admin-notification-center tab="all" .store=${other.store}></admin-notification-center>`,
    );
    await publish(
      ctx.hub,
      ...['One', 'Two', 'Three'].map((title) => ({ kind: 'notification', title, audience: { userIds: [sub] } })),
    );
    await waitUntil(() => titles(a).length === 3 && titles(b).length === 3, 'listed in both sessions', {
      timeout: 8000,
    });
    const unread = () => other.store.getState().unread.total;
    expect(unread()).to.equal(3);

    // E in the first session archives "Two": the second loses it and lists it under Archived.
    byTitle(a, 'Two').focus();
    await sendKeys({ press: 'e' });
    await waitUntil(() => !titles(b).includes('Two'), 'archived in the other session', { timeout: 8000 });
    await waitUntil(() => active(a) === byTitle(a, 'One'), 'focus on the next row');
    expect(unread()).to.equal(2);
    one<HTMLButtonElement>(b, '#tab-archived').click();
    await waitUntil(() => titles(b).join() === 'Two', "the other session's Archived view", { timeout: 8000 });

    // Z takes it back: in the inbox of both, out of the Archived view.
    await sendKeys({ press: 'z' });
    await waitUntil(() => rows(b).length === 0, 'unarchived in the other session', { timeout: 8000 });
    await waitUntil(() => active(a) === byTitle(a, 'Two'), 'focus on the row back');
    expect(unread()).to.equal(3);
    one<HTMLButtonElement>(b, '#tab-all').click();
    await waitUntil(() => titles(b).join() === 'Three,Two,One', 'back in the inbox', { timeout: 8000 });

    // Delete for me from the menu, then Undo with the button.
    byTitle(a, 'Three').querySelector<HTMLButtonElement>('[part~="more"]')!.click();
    await waitUntil(() => menuItems(a).length > 0, 'menu');
    menuItems(a).at(-1)!.click();
    await waitUntil(() => titles(b).join() === 'Two,One', 'deleted in the other session', { timeout: 8000 });
    expect(status(a)).to.equal('Deleted. Press Z to undo.');
    one<HTMLButtonElement>(a, '[part~="undo"]').click();
    await waitUntil(() => titles(b).join() === 'Three,Two,One', 'restored in the other session', { timeout: 8000 });

    // A snooze that comes due (the menu's presets are an hour or more, so through the store):
    // hidden and not counted in both sessions, then back unread in both.
    const first = other.store.getState().notifications.find((n) => n.title === 'One')!;
    await other.store.markRead([first.id]);
    await waitUntil(() => unread() === 2, 'read');
    await provider.store!.snooze([first.id], Date.now() + 1500);
    await waitUntil(() => !titles(a).includes('One') && !titles(b).includes('One'), 'snoozed in both', {
      timeout: 8000,
    });
    await waitUntil(() => titles(a).includes('One') && titles(b).includes('One'), 'woke in both', { timeout: 8000 });
    expect(byTitle(b, 'One').hasAttribute('data-unread'), 'back as new').to.equal(true);
    await waitUntil(() => unread() === 3, 'counted unread again');
  });
  it('mark unread, archive and delete for me outlast a reload: a new page of the admin starts from them', async () => {
    const sub = `inbox-reload-${Date.now()}`;
    const token = await hubToken(sub);
    const first = await liveClient(ctx.hub, token);
    ctx.clients.push(first);
    await publish(
      ctx.hub,
      ...['Alpha', 'Beta', 'Gamma'].map((title) => ({ kind: 'notification', title, audience: { userIds: [sub] } })),
    );
    await waitUntil(() => first.store.getState().notifications.length === 3, 'listed', { timeout: 8000 });
    const id = (title: string) => first.store.getState().notifications.find((n) => n.title === title)!.id;
    const [alpha, beta, gamma] = [id('Alpha'), id('Beta'), id('Gamma')];
    await first.store.markAllRead();
    await first.store.markUnread([alpha]);
    await first.store.archive([beta]);
    await first.store.deleteForMe([gamma]);
    await waitUntil(() => first.store.getState().notifications.length === 1, 'applied', { timeout: 8000 });
    first.close();

    // The reload: a new page, a new provider and center, a snapshot from the hub.
    const { el } = await withProvider<AdminNotificationCenter>(
      ctx.hub,
      token,
      html`<admin-notification-center tab="all"></admin-notification-center>`,
      'admin-notification-center',
    );
    await waitUntil(() => titles(el).join() === 'Alpha', 'only Alpha in the inbox', { timeout: 8000 });
    expect(byTitle(el, 'Alpha').hasAttribute('data-unread'), 'still unread after mark all read').to.equal(true);
    one<HTMLButtonElement>(el, '#tab-archived').click();
    await waitUntil(() => titles(el).join() === 'Beta', 'Beta under Archived; Gamma nowhere', { timeout: 8000 });
    await expect(el).to.be.accessible();
  });
});
