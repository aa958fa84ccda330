/**
 * The store's inbox actions and the reducer of the hub's `inbox` event: rows leave the inbox and
 * come back (from the event's notifications or changed as the action says), the Archived view
 * loads on demand and follows events, the hub's unread counts win, frames go through the parser.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { InboxEvent, ListedNotification, UnreadCounts } from '../../../src/core/protocol.js';
import { createStore } from '../../../src/core/store.js';
import { listedNote, ManualFrames, MemoryTransport, snapshotMessage } from '../../support/memory-transport.js';

const note = listedNote;
const unread = (total: number): UnreadCounts => ({ total, byCategory: total ? { system: total } : {}, byPriority: {} });

const stores: { destroy(): void }[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.destroy();
});

function setup() {
  const transport = new MemoryTransport();
  transport.connect();
  const store = createStore(transport, { scheduleFrame: new ManualFrames().schedule });
  stores.push(store);
  transport.receive(
    snapshotMessage({ seq: 10, notifications: [note(3), note(2, { read: true }), note(1)], unread: unread(2) }),
  );
  let seq = 10;
  /** A stream event of the next seq, sent as a raw frame through the real parser. */
  const event = (fields: Record<string, unknown>) =>
    transport.receiveFrame(JSON.stringify({ type: 'event', event: { id: `e${++seq}`, seq, ...fields } }));
  const inbox = (fields: Omit<InboxEvent, 'kind' | 'id' | 'seq'>) => event({ kind: 'inbox', ...fields });
  const ids = (list: readonly ListedNotification[] | null) => list?.map((n) => n.id) ?? null;
  return { transport, store, inbox, event, ids };
}

describe('store: inbox actions', () => {
  test('each method sends its request with the ids, and resolves on the ack', async () => {
    const { transport, store } = setup();
    transport.onSend = (action) => {
      if ('ref' in action && action.ref) transport.receive({ type: 'ack', ref: action.ref });
    };
    await store.markUnread(['n2']);
    await store.archive(['n1']);
    await store.unarchive(['n1']);
    await store.snooze(['n3'], 1_900_000_000_000);
    await store.unsnooze(['n3']);
    await store.deleteForMe(['n1']);
    await store.restore(['n1']);
    assert.deepEqual(
      transport.sent.map(({ ref: _ref, ...action }) => action),
      [
        { type: 'markUnread', ids: ['n2'] },
        { type: 'archive', ids: ['n1'] },
        { type: 'unarchive', ids: ['n1'] },
        { type: 'snooze', ids: ['n3'], until: 1_900_000_000_000 },
        { type: 'unsnooze', ids: ['n3'] },
        { type: 'delete', ids: ['n1'] },
        { type: 'restore', ids: ['n1'] },
      ],
    );
  });

  test('a refused action rejects with the hub error', async () => {
    const { transport, store } = setup();
    transport.onSend = (action) => {
      if ('ref' in action && action.ref)
        transport.receive({ type: 'error', code: 'unknown-notification', message: 'nope', ref: action.ref });
    };
    await assert.rejects(store.archive(['zz']), { code: 'unknown-notification' });
  });
});

describe('store: the inbox event', () => {
  test('archived, snoozed and deleted rows leave the inbox; the counts are the hub’s', () => {
    const { store, inbox, ids } = setup();
    inbox({ action: 'archived', ids: ['n3'], unread: unread(1) });
    assert.deepEqual(ids(store.getState().notifications), ['n2', 'n1']);
    assert.equal(store.getState().unread.total, 1);
    inbox({ action: 'snoozed', ids: ['n1'], until: 1_900_000_000_000, unread: unread(0) });
    inbox({ action: 'deleted', ids: ['n2'], unread: unread(0) });
    assert.deepEqual(ids(store.getState().notifications), []);
    assert.equal(store.getState().lastSeq, 13);
    assert.equal(store.getState().archived, null, 'the archived view is not loaded until asked for');
  });

  test('mark unread flips the row; restoring events put rows back from their notifications', () => {
    const { store, inbox, ids } = setup();
    inbox({ action: 'unread', ids: ['n2'], unread: unread(3) });
    assert.deepEqual(
      store.getState().notifications.map((n) => [n.id, n.read]),
      [
        ['n3', false],
        ['n2', false],
        ['n1', false],
      ],
    );
    inbox({ action: 'deleted', ids: ['n3'], unread: unread(2) });
    inbox({ action: 'woke', ids: ['n7'], unread: unread(3), notifications: [note(7)] });
    inbox({ action: 'restored', ids: ['n3'], unread: unread(4), notifications: [note(3)] });
    assert.deepEqual(ids(store.getState().notifications), ['n7', 'n3', 'n2', 'n1']);
    assert.equal(store.getState().unread.total, 4);
    // Restored while archived (or still snoozed): back in its own view, not in the inbox.
    inbox({ action: 'unsnoozed', ids: ['n9'], unread: unread(4), notifications: [note(9, { archived: true })] });
    inbox({
      action: 'restored',
      ids: ['n8'],
      unread: unread(4),
      notifications: [note(8, { snoozedUntil: 1_900_000_000_000 })],
    });
    assert.deepEqual(ids(store.getState().notifications), ['n7', 'n3', 'n2', 'n1']);
  });

  test('loadArchived pages the Archived view, which then follows inbox events', async () => {
    const { transport, store, inbox, event, ids } = setup();
    const page = store.loadArchived();
    const asked = transport.last('history');
    assert.deepEqual(
      { ...asked, ref: undefined },
      { type: 'history', beforeSeq: 11, view: 'archived', ref: undefined },
    );
    transport.receive({
      type: 'history',
      notifications: [note(5, { archived: true })],
      hasMore: true,
      ref: asked.ref!,
    });
    await page;
    assert.deepEqual(ids(store.getState().archived), ['n5']);
    assert.deepEqual(ids(store.getState().notifications), ['n3', 'n2', 'n1'], 'the inbox is not touched');
    const next = store.loadArchived();
    const again = transport.last('history');
    assert.equal(again.beforeSeq, 5);
    transport.receive({
      type: 'history',
      notifications: [note(4, { archived: true })],
      hasMore: false,
      ref: again.ref!,
    });
    await next;
    assert.equal(store.getState().archivedHasMore, false);
    inbox({ action: 'archived', ids: ['n3'], unread: unread(1) });
    assert.deepEqual(ids(store.getState().archived), ['n5', 'n4', 'n3']);
    assert.equal(store.getState().archived![2]!.archived, true);
    inbox({ action: 'unread', ids: ['n5'], unread: unread(2) });
    assert.equal(store.getState().archived![0]!.read, false);
    const before = store.getState().archived;
    event({ kind: 'read', ids: ['n1'], unread: unread(1) });
    assert.equal(store.getState().archived, before, 'a read of an inbox row leaves the archived list as it is');
    event({ kind: 'read', ids: ['n5'], unread: unread(1) });
    assert.equal(store.getState().archived![0]!.read, true, 'a read reaches an archived row too');
    inbox({ action: 'unarchived', ids: ['n4'], unread: unread(3), notifications: [note(4)] });
    inbox({ action: 'deleted', ids: ['n5'], unread: unread(2) });
    assert.deepEqual(ids(store.getState().archived), ['n3']);
    assert.deepEqual(ids(store.getState().notifications), ['n4', 'n2', 'n1']);
  });

  test('a frame with an unknown inbox action is refused, not applied', () => {
    const { store, transport, ids } = setup();
    const errors: string[] = [];
    transport.onError((e) => errors.push(e.message));
    transport.receiveFrame(
      JSON.stringify({
        type: 'event',
        event: { kind: 'inbox', id: 'x', seq: 11, action: 'exploded', ids: ['n1'], unread: unread(0) },
      }),
    );
    assert.deepEqual(ids(store.getState().notifications), ['n3', 'n2', 'n1']);
    assert.match(errors[0] ?? '', /action/);
  });
});
