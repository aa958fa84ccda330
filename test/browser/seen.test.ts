/**
 * Seen (issue 19): the notification center and the critical toasts tell the hub which
 * notifications they showed while they could be seen (`seen` on the wire); a center inside a
 * closed popover shows nothing and reports nothing.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/critical-alerts/index.js';
import type { ListedNotification, Priority, SeenMessage } from '../../src/core/protocol.js';
import { createStore } from '../../src/core/store.js';
import { MemoryTransport, snapshotMessage } from '../support/memory-transport.js';

function note(id: string, seq: number, priority: Priority = 'medium'): ListedNotification {
  return {
    kind: 'notification',
    id,
    seq,
    title: `Notification ${id}`,
    category: 'system',
    priority,
    createdAt: new Date().toISOString(),
    read: false,
  };
}

function storeWith(notifications: ListedNotification[]) {
  const transport = new MemoryTransport();
  const store = createStore(transport);
  transport.connect();
  transport.receive(snapshotMessage({ seq: 10, notifications }));
  const seen = () => transport.sent.filter((a): a is SeenMessage => a.type === 'seen').flatMap((a) => a.ids);
  return { store, seen };
}

describe('seen', () => {
  it('the center reports the rows it rendered in view; one in a closed popover reports none', async () => {
    const shown = storeWith([note('a', 2), note('b', 3)]);
    const hidden = storeWith([note('c', 4)]);
    await fixture(html`<div>
      <admin-notification-center .store=${shown.store} tab="all"></admin-notification-center>
      <div popover id="closed"><admin-notification-center .store=${hidden.store} tab="all"></admin-notification-center></div>
    </div>`);
    await waitUntil(() => shown.seen().length === 2, 'seen from the visible center', { timeout: 4000 });
    expect(shown.seen().sort()).to.deep.equal(['a', 'b']);
    // Both centers rendered together, and each store sends within a second of a report.
    expect(hidden.seen()).to.deep.equal([]);
    shown.store.destroy();
    hidden.store.destroy();
  });

  it('a center reports once its popover opens', async () => {
    const { store, seen } = storeWith([note('p', 2)]);
    const el = await fixture<HTMLElement>(
      html`<div popover><admin-notification-center .store=${store} tab="all"></admin-notification-center></div>`,
    );
    el.showPopover();
    await waitUntil(() => seen().includes('p'), 'seen after opening', { timeout: 4000 });
    store.destroy();
  });

  it('a critical toast is reported seen', async () => {
    const { store, seen } = storeWith([note('crit', 2, 'critical')]);
    await fixture(html`<critical-alerts .store=${store}></critical-alerts>`);
    await waitUntil(() => seen().includes('crit'), 'seen from the toast', { timeout: 4000 });
    store.destroy();
  });
});
