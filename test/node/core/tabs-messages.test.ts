import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HubMessage } from '../../../src/core/protocol.js';
import { StreamCursor } from '../../../src/core/stream-cursor.js';
import { admitToTab, shareName, splitTabRef, tabRef, tokenUser, withRef } from '../../../src/core/tabs/messages.js';
import { canShareTabs } from '../../../src/core/tabs/shared-transport.js';

const jwt = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.signature`;

test('tabs: the user of a token is its claims but times and id, read without verifying; no sub, no user', () => {
  const user = tokenUser(jwt({ sub: 'admin-ä-1', role: 'admin', iat: 1, exp: 2 }));
  assert.equal(
    user,
    JSON.stringify([
      ['role', 'admin'],
      ['sub', 'admin-ä-1'],
    ]),
  );
  assert.equal(tokenUser(jwt({ exp: 9, role: 'admin', sub: 'admin-ä-1', jti: 'x' })), user, 'a refreshed token');
  assert.notEqual(tokenUser(jwt({ sub: 'admin-ä-1', role: 'viewer' })), user, 'another role');
  assert.equal(tokenUser(jwt({ role: 'admin' })), null);
  assert.equal(tokenUser(jwt({ sub: 42 })), null);
  assert.equal(tokenUser('not-a-jwt'), null);
  assert.equal(tokenUser('a.%%%.c'), null);
});

test('tabs: tabs share by hub URL, user and categories (in any order), and not without a user', () => {
  const url = 'wss://hub.example.com/v1/ws';
  const a = shareName(url, jwt({ sub: 'u1' }), ['security', 'billing']);
  assert.equal(a, shareName(url, jwt({ sub: 'u1', iat: 2 }), ['billing', 'security']));
  assert.notEqual(a, shareName(url, jwt({ sub: 'u2' }), ['billing', 'security']));
  assert.notEqual(a, shareName(url, jwt({ sub: 'u1' }), null));
  assert.notEqual(a, shareName('wss://other/v1/ws', jwt({ sub: 'u1' }), ['billing', 'security']));
  assert.equal(shareName(url, 'opaque-token', null), null);
});

test('tabs: an answer goes back to the tab whose ref it carries', () => {
  const ref = tabRef('tab1', 'r7');
  assert.deepEqual(splitTabRef(ref), { tab: 'tab1', ref: 'r7' });
  assert.equal(splitTabRef('r7'), null);
  assert.equal(splitTabRef(undefined), null);
  const ack: HubMessage = { type: 'ack', ref };
  assert.deepEqual(withRef(ack, 'r7'), { type: 'ack', ref: 'r7' });
  assert.equal(withRef(ack, 'r7') === ack, false, 'a copy: the leader relays the original');
});

test('tabs: a tab applies each event once, whoever delivers it', () => {
  const cursor = new StreamCursor();
  const event = (seq: number): HubMessage =>
    ({
      type: 'event',
      event: { kind: 'agents', seq, active: 1, idle: 0, error: 0, at: '2026-01-01T00:00:00Z' },
    }) as HubMessage;
  const welcome = (stream: string, seq: number) => ({ type: 'welcome', stream, seq }) as unknown as HubMessage;
  assert.equal(admitToTab(cursor, welcome('s1', 5)), true);
  assert.equal(admitToTab(cursor, { type: 'snapshot', seq: 5 } as unknown as HubMessage), true);
  assert.deepEqual(
    [6, 7, 6, 7, 8].map((s) => admitToTab(cursor, event(s))),
    [true, true, false, false, true],
  );
  // Another stream (a reset hub) starts over.
  admitToTab(cursor, welcome('s2', 3));
  assert.equal(admitToTab(cursor, event(2)), true);
});

test('tabs: Node has no tabs to share with', () => {
  assert.equal(canShareTabs(), false);
});
