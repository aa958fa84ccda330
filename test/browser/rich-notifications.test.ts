import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/critical-alerts/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import type { CriticalAlerts } from '../../src/components/critical-alerts/critical-alerts.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { noUnread } from '../../src/core/protocol.js';
import { createStore } from '../../src/core/store.js';
import { MemoryTransport, snapshotMessage } from '../support/memory-transport.js';
import { all, hubToken, one, publish, shadow, text, useHub, withProvider } from './widget-hub.js';

let counter = 0;
/** A unique user per test, so read state starts from zero on the shared hub. */
const user = (): string => `rich-admin-${++counter}-${Date.now()}`;

const rows = (el: AdminNotificationCenter) => all(el, '.item');
const row = (el: AdminNotificationCenter, id: string): HTMLElement => {
  const found = rows(el).find((li) => li.dataset.id === id);
  if (!found) throw new Error(`no row ${id}; have ${rows(el).map((li) => li.dataset.id)}`);
  return found;
};
/** A text node's box is not visible when an ancestor is display:none or visibility:hidden. */
const shown = (node: Element | null | undefined): boolean =>
  Boolean(node?.checkVisibility({ checkVisibilityCSS: true }) && getComputedStyle(node).visibility !== 'hidden');

describe('rich notifications', () => {
  const ctx = useHub({ resetLocale: true });

  async function mountCenter(
    sub: string,
    center = html`<admin-notification-center tab="all"></admin-notification-center>`,
  ) {
    const token = await hubToken(sub);
    return withProvider<AdminNotificationCenter>(ctx.hub, token, center, 'admin-notification-center');
  }
  /** Publishes notifications addressed to one user only. */
  const notify = (sub: string, ...items: Record<string, unknown>[]) =>
    publish(ctx.hub, ...items.map((n) => ({ kind: 'notification', audience: { userIds: [sub] }, ...n })));

  describe('actions', () => {
    it('renders a button per action; a click fires realtime-notification-action with the notification and the action', async () => {
      const sub = user();
      const { el } = await mountCenter(sub);
      await notify(sub, {
        id: `deploy-${sub}`,
        title: 'Deploy waiting',
        actions: [
          { id: 'approve', label: 'Approve' },
          { id: 'logs', label: 'View logs', url: 'https://ci.example.com/runs/42' },
        ],
      });
      await waitUntil(() => rows(el).length === 1, 'listed');
      const li = rows(el)[0]!;
      const buttons = [...li.querySelectorAll<HTMLElement>('[part~="notification-action"]')];
      expect(buttons.map((b) => text(b))).to.deep.equal(['Approve', 'View logs']);
      expect(li.querySelector('[part~="actions"]')?.getAttribute('aria-label')).to.equal(
        'Actions for “Deploy waiting”',
      );
      expect(buttons[0]!.localName).to.equal('button');
      // An action with an http(s) url is a link, opened without access to this page.
      expect(buttons[1]!.localName).to.equal('a');
      expect(buttons[1]!.getAttribute('href')).to.equal('https://ci.example.com/runs/42');
      expect(buttons[1]!.getAttribute('rel')).to.equal('noopener noreferrer');
      expect(buttons[1]!.getAttribute('target')).to.equal('_blank');

      let opened = 0;
      el.addEventListener('realtime-notification-click', () => opened++);
      setTimeout(() => buttons[0]!.click());
      const event = await oneEvent(document, 'realtime-notification-action');
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.detail.action).to.deep.equal({ id: 'approve', label: 'Approve' });
      expect(event.detail.notification.title).to.equal('Deploy waiting');
      expect(opened, 'an action is not a click on the notification').to.equal(0);

      // Cancelled, the url is not followed (and the test page stays where it is).
      const cancel = (e: Event) => e.preventDefault();
      el.addEventListener('realtime-notification-action', cancel);
      try {
        const click = new MouseEvent('click', { bubbles: true, composed: true, cancelable: true });
        setTimeout(() => buttons[1]!.dispatchEvent(click));
        const linked = await oneEvent(el, 'realtime-notification-action');
        expect(linked.detail.action.url).to.equal('https://ci.example.com/runs/42');
        expect(click.defaultPrevented, 'link not followed').to.equal(true);
      } finally {
        el.removeEventListener('realtime-notification-action', cancel);
      }
      expect(li.hasAttribute('data-unread'), 'an action does not mark read').to.equal(true);

      // Keyboard: the actions of the active row are in the tab order; Enter on one fires the event.
      li.focus();
      await sendKeys({ press: 'Tab' });
      expect(shadow(el).activeElement).to.equal(buttons[0]);
      setTimeout(() => sendKeys({ press: 'Enter' }));
      const keyed = await oneEvent(el, 'realtime-notification-action');
      expect(keyed.detail.action.id).to.equal('approve');
      await expect(el).to.be.accessible();
    });

    it('a javascript: action url is refused at the hub, and never rendered as a link from a hostile hub', async () => {
      const refusal = await publish(ctx.hub, {
        kind: 'notification',
        title: 'Bad action',
        actions: [{ id: 'go', label: 'Go', url: 'javascript:alert(1)' }],
      }).then(
        () => '',
        (err: Error) => err.message,
      );
      expect(refusal).to.contain('actions[0].url: must be an absolute http:// or https:// URL');

      const transport = new MemoryTransport();
      const store = createStore(transport);
      transport.connect();
      transport.receive(
        snapshotMessage({
          seq: 1,
          unread: { ...noUnread(), total: 1 },
          notifications: [
            {
              kind: 'notification',
              id: 'hostile',
              seq: 1,
              title: 'Hostile',
              category: 'system',
              priority: 'high',
              createdAt: new Date().toISOString(),
              read: false,
              actions: [
                { id: 'go', label: 'Go', url: 'javascript:alert(1)' },
                { id: 'data', label: 'Data', url: 'data:text/html,<script>alert(1)</script>' },
              ],
              actor: { name: 'Mallory', avatarUrl: 'http://example.com/plain-http.png' },
            },
          ],
        }),
      );
      const el = await fixture<AdminNotificationCenter>(
        html`<admin-notification-center .store=${store}></admin-notification-center>`,
      );
      await waitUntil(() => rows(el).length === 1, 'listed');
      const li = rows(el)[0]!;
      expect(li.querySelectorAll('a[part~="notification-action"]').length).to.equal(0);
      expect([...li.querySelectorAll('button[part~="notification-action"]')].map((b) => text(b))).to.deep.equal([
        'Go',
        'Data',
      ]);
      expect(shadow(el).innerHTML).not.to.contain('javascript:');
      expect(shadow(el).innerHTML).not.to.contain('data:text');
      // An avatar that is not https is not loaded: initials instead.
      expect(li.querySelector('img')).to.equal(null);
      expect(text(li.querySelector('[part~="avatar-initials"]'))).to.equal('M');
      setTimeout(() => li.querySelector<HTMLElement>('[data-action-id="go"]')!.click());
      const event = await oneEvent(el, 'realtime-notification-action');
      expect(event.detail.action.id).to.equal('go');
    });
  });

  describe('at 320 px', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));

    it('a row with an avatar and three long actions fits without a horizontal scrollbar', async () => {
      await setViewport({ width: 320, height: 640 });
      const sub = user();
      const { el } = await mountCenter(sub);
      await notify(sub, {
        title: 'Refund requested for a long-standing enterprise customer account',
        actor: { name: 'Maximiliane Oberhauser-Lindqvist' },
        actions: [
          { id: 'approve', label: 'Approve the full refund now' },
          { id: 'partial', label: 'Offer a partial refund instead' },
          { id: 'open', label: 'Open the customer record', url: 'https://crm.example.com/customers/8812' },
        ],
      });
      await waitUntil(() => rows(el).length === 1, 'listed');
      const width = document.documentElement.clientWidth;
      const overflowing = [rows(el)[0]!, ...rows(el)[0]!.querySelectorAll('*')]
        .map((node) => [node, node.getBoundingClientRect()] as const)
        .filter(([, r]) => r.right > width + 0.5 || r.left < -0.5)
        .map(([node, r]) => `${node.localName}.${node.className} ${r.left}…${r.right}`);
      expect(overflowing).to.deep.equal([]);
      expect(document.documentElement.scrollWidth).to.be.at.most(width);
    });
  });

  describe('actor', () => {
    it('shows the https avatar, initials when there is none, and initials when the image fails to load', async () => {
      const sub = user();
      const { el } = await mountCenter(sub);
      await notify(
        sub,
        { id: `plain-${sub}`, title: 'No avatar', actor: { name: 'Ada Lovelace' } },
        // Nothing listens on port 1: the image fails to load.
        {
          id: `broken-${sub}`,
          title: 'Broken avatar',
          actor: { name: 'Grace Brewster Hopper', avatarUrl: 'https://127.0.0.1:1/grace.png' },
        },
      );
      await waitUntil(() => rows(el).length === 2, 'listed');
      const plain = row(el, `plain-${sub}`);
      expect(plain.querySelector('img')).to.equal(null);
      expect(text(plain.querySelector('[part~="avatar-initials"]'))).to.equal('AL');
      expect(shown(plain.querySelector('[part~="avatar-initials"]'))).to.equal(true);
      expect(text(plain.querySelector('[part~="actor"]')), 'the name is in the row text').to.equal('Ada Lovelace');
      expect(plain.querySelector('[part~="avatar"]')?.getAttribute('aria-hidden')).to.equal('true');

      const broken = row(el, `broken-${sub}`);
      const img = broken.querySelector<HTMLImageElement>('img[part~="avatar-image"]')!;
      expect(img.getAttribute('src')).to.equal('https://127.0.0.1:1/grace.png');
      expect(img.getAttribute('alt')).to.equal('');
      await waitUntil(() => img.hasAttribute('data-failed'), 'image failed', { timeout: 8000 });
      expect(shown(img)).to.equal(false);
      expect(text(broken.querySelector('[part~="avatar-initials"]'))).to.equal('GH');
      expect(shown(broken.querySelector('[part~="avatar-initials"]'))).to.equal(true);
      await expect(el).to.be.accessible();
    });
  });

  describe('group and resolved in <critical-alerts>', () => {
    it('a later notification of the same group supersedes the toast, and resolved: true ends it', async () => {
      const sub = user();
      const token = await hubToken(sub);
      const { el } = await withProvider<CriticalAlerts>(
        ctx.hub,
        token,
        html`<critical-alerts></critical-alerts>`,
        'critical-alerts',
      );
      const toastTitles = () => all(el, '[part~="toast"]').map((t) => text(t.querySelector('[part~="title"]')));
      const group = `database-${sub}`;
      await notify(
        sub,
        { title: 'Payments down', priority: 'critical', group: `payments-${sub}` },
        { title: 'Database is down', priority: 'critical', group },
      );
      await waitUntil(() => toastTitles().length === 2, 'two incidents, two toasts');
      await notify(sub, { title: 'Database still down', priority: 'critical', group });
      await waitUntil(() => toastTitles().includes('Database still down'), 'newer toast');
      expect(toastTitles()).to.deep.equal(['Database still down', 'Payments down']);
      await expect(el).to.be.accessible();

      await notify(sub, { title: 'Database recovered', priority: 'low', group, resolved: true });
      await waitUntil(() => !toastTitles().some((t) => t.startsWith('Database')), 'database toast gone');
      expect(toastTitles(), 'the other incident stays').to.deep.equal(['Payments down']);

      // A critical notification of a resolved group's key opens it again.
      await notify(sub, { title: 'Database is down again', priority: 'critical', group });
      await waitUntil(() => toastTitles().includes('Database is down again'), 'reopened');
    });
  });

  describe('placement="inline"', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));

    it('at 1440×900 the toasts sit in the flow and cover none of the center’s tabs and filters', async () => {
      await setViewport({ width: 1440, height: 900 });
      const sub = user();
      const token = await hubToken(sub);
      const { provider, el } = await withProvider<CriticalAlerts>(
        ctx.hub,
        token,
        html`<critical-alerts placement="inline"></critical-alerts>
          <admin-notification-center></admin-notification-center>`,
        'critical-alerts',
      );
      const center = provider.querySelector('admin-notification-center')!;
      expect(el.getBoundingClientRect().height, 'an empty banner takes no space').to.equal(0);
      await notify(
        sub,
        ...[1, 2, 3, 4].map((i) => ({ title: `Incident ${i}`, priority: 'critical', group: `inc-${i}-${sub}` })),
      );
      await waitUntil(() => all(el, '[part~="toast"]').length === 3, 'three toasts');
      await center.updateComplete;
      const header = one(center, '[part~="header"]').getBoundingClientRect();
      for (const toast of all(el, '[part~="toast"]')) {
        expect(toast.getBoundingClientRect().bottom).to.be.at.most(header.top);
      }
      expect(getComputedStyle(el).position).to.equal('static');
      await expect(el).to.be.accessible();
    });
  });

  describe('renderNotification', () => {
    it('draws the row content the integrator’s way; keys, mark-read, actions and read styling stay', async () => {
      setLocale('en');
      const sub = user();
      const { el } = await mountCenter(sub, html`<admin-notification-center></admin-notification-center>`);
      el.renderNotification = (n, { time }) =>
        n.category === 'billing'
          ? Object.assign(document.createElement('span'), { className: 'custom', textContent: `DOM: ${n.title}` })
          : html`<strong class="custom" part="row-title">${n.title}</strong> <small>${String(n.data?.ticket ?? '')} · ${time}</small>`;
      await notify(
        sub,
        { id: `c-${sub}`, title: 'Third', data: { ticket: 'T-3' } },
        { id: `b-${sub}`, title: 'Second', category: 'billing' },
        { id: `a-${sub}`, title: 'First', data: { ticket: 'T-1' }, actions: [{ id: 'ack', label: 'Acknowledge' }] },
      );
      await waitUntil(() => rows(el).length === 3, 'listed');
      const contents = () => rows(el).map((li) => text(li.querySelector('.custom')));
      expect(contents()).to.deep.equal(['First', 'DOM: Second', 'Third']);
      const first = row(el, `a-${sub}`);
      expect(text(first.querySelector('[part~="content"]'))).to.match(/^Unread\. First T-1 · just now$/);
      expect(first.querySelector('[part~="title"]'), 'the default content is replaced').to.equal(null);
      expect(first.getAttribute('aria-labelledby')).to.equal(first.querySelector('[part~="content"]')!.id);
      expect(first.querySelector('[part~="mark-read"]')).not.to.equal(null);
      expect(text(first.querySelector('[part~="notification-action"]'))).to.equal('Acknowledge');
      expect(getComputedStyle(first).backgroundColor, 'unread styling').to.not.equal(
        getComputedStyle(shadow(el).querySelector('.scroller')!).backgroundColor,
      );
      await expect(el).to.be.accessible();

      // Arrow keys move between rows; M marks the focused row read and focus moves to its neighbour.
      first.focus();
      await sendKeys({ press: 'ArrowDown' });
      expect(shadow(el).activeElement).to.equal(row(el, `b-${sub}`));
      await sendKeys({ press: 'End' });
      expect(shadow(el).activeElement).to.equal(row(el, `c-${sub}`));
      await sendKeys({ press: 'Home' });
      expect(shadow(el).activeElement).to.equal(first);
      await sendKeys({ press: 'm' });
      await waitUntil(() => rows(el).length === 2, 'marked read and gone from Unread');
      await waitUntil(() => shadow(el).activeElement === row(el, `b-${sub}`), 'focus on the neighbour');

      // The All tab: the read row keeps the custom content, in read styling.
      el.tab = 'all';
      await el.updateComplete;
      const read = row(el, `a-${sub}`);
      expect(read.hasAttribute('data-unread')).to.equal(false);
      expect(read.getAttribute('part')).to.contain('item-read');
      expect(text(read.querySelector('.custom'))).to.equal('First');
      expect(read.querySelector('[part~="mark-read"]')).to.equal(null);

      // A renderer that throws costs only its row's custom content.
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      try {
        el.renderNotification = (n) => {
          if (n.title === 'Second') throw new Error('bad row');
          return html`<span class="custom">${n.title}</span>`;
        };
        await el.updateComplete;
      } finally {
        console.error = original;
      }
      expect(text(row(el, `b-${sub}`).querySelector('[part~="title"]'))).to.equal('Second');
      expect(text(row(el, `c-${sub}`).querySelector('.custom'))).to.equal('Third');
      expect(errors.length).to.equal(1);
      expect(one(el, '.list')).to.exist;
    });
  });
});
