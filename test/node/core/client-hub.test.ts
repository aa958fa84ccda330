/**
 * The whole path against the real hub: publisher → hub (SQLite in memory) → RealtimeConnection
 * (`ws`) → store. Two clients of one admin stand for two tabs: read state made in one reaches
 * the other, and the optimistic unread count never drifts from the hub's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createRealtimeClient, type RealtimeClient } from '../../../src/core/index.js';
import type { Hub } from '../../../src/hub/hub.js';
import { note, signToken, startHub } from '../../support/hub-harness.js';
import { waitFor } from '../../support/wait-for.js';

describe('createRealtimeClient against the real hub', () => {
  let hub: Hub;
  let tab1: RealtimeClient;
  let tab2: RealtimeClient;
  const live: string[] = [];

  const open = async () => {
    const client = createRealtimeClient({
      url: hub.wsUrl,
      token: await signToken({ sub: 'admin-7' }),
      WebSocket: WebSocket as never,
      window: null,
    });
    client.connect();
    await waitFor(() => !client.store.getState().loading, { message: 'snapshot from the hub' });
    return client;
  };
  const both = (check: (c: RealtimeClient) => boolean, message: string) =>
    waitFor(() => check(tab1) && check(tab2), { message });

  before(async () => {
    hub = await startHub();
    hub.publish([
      note('Invoice overdue', { category: 'billing', priority: 'high' }),
      note('Suspicious login', { category: 'security', priority: 'critical' }),
      note('Password changed', { category: 'security', priority: 'low' }),
    ]);
    tab1 = await open();
    tab2 = await open();
    tab2.on('realtime-notification', (n) => live.push(n.title));
  });

  after(async () => {
    tab1?.close();
    tab2?.close();
    await hub?.close();
  });

  test('the snapshot carries the notifications, unread counts and critical alerts', () => {
    const s = tab1.store.getState();
    assert.deepEqual(
      s.notifications.map((n) => n.title),
      ['Password changed', 'Suspicious login', 'Invoice overdue'],
    );
    assert.equal(s.unread.total, 3);
    assert.equal(s.unread.byCategory.security, 2);
    assert.deepEqual(
      s.criticalAlerts.map((n) => n.title),
      ['Suspicious login'],
    );
    assert.equal(s.user?.id, 'admin-7');
  });

  test('markRead in one tab reaches the other through the hub', async () => {
    const target = tab1.store.getState().notifications.find((n) => n.title === 'Invoice overdue')!;
    await tab1.store.markRead([target.id]);
    await both(
      (c) =>
        c.store.getState().unread.total === 2 &&
        !!c.store.getState().notifications.find((n) => n.id === target.id)?.read,
      'the read in both tabs',
    );
  });

  test('markAllRead with a category filter marks only that category, everywhere', async () => {
    await tab1.store.markAllRead({ category: 'security' });
    await both((c) => c.store.getState().unread.total === 0, 'security read in both tabs');
    for (const c of [tab1, tab2]) {
      const s = c.store.getState();
      assert.equal(s.unread.byCategory.security ?? 0, 0);
      assert.ok(s.notifications.every((n) => n.read));
      assert.deepEqual(s.criticalAlerts, []);
    }
  });

  test('a new notification raises unread by one, and a fresh snapshot agrees (no drift)', async () => {
    hub.publish([note('Call failed', { category: 'calls', priority: 'critical' })]);
    await both((c) => c.store.getState().unread.total === 1, 'the new notification in both tabs');
    assert.deepEqual(live, ['Call failed']);
    const optimistic = tab2.store.getState().unread;
    await tab2.store.refresh();
    assert.deepEqual(tab2.store.getState().unread, optimistic);
    assert.equal(tab2.store.getState().criticalAlerts[0]?.title, 'Call failed');
  });

  test('clear in one tab empties both lists', async () => {
    await tab2.store.clear();
    await both((c) => c.store.getState().notifications.length === 0, 'cleared in both tabs');
    assert.equal(tab1.store.getState().unread.total, 0);
  });

  test('closing the connection and connecting again resumes from the last seq (no snapshot, nothing twice)', async () => {
    const welcomes: boolean[] = [];
    const seqs: number[] = [];
    const offMessage = tab1.connection.onMessage((m) => {
      if (m.type === 'welcome') welcomes.push(m.resumed);
      if (m.type === 'event') seqs.push(m.event.seq);
    });
    const before = tab1.connection.lastSeq;
    tab1.connection.close();
    hub.publish([note('While away', { category: 'calls' })]);
    tab1.connect();
    await waitFor(() => seqs.length === 1 && tab1.store.getState().connection.status === 'connected', {
      message: 'the missed event after reconnecting',
    });
    offMessage();
    assert.deepEqual(welcomes, [true]);
    assert.ok(seqs[0]! > before);
  });
});
