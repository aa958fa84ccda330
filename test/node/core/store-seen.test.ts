/**
 * `store.markSeen` (issue 19): rendered notifications go to the hub as `seen`, batched at most once
 * a second, each id once, held while disconnected and sent on reconnect.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createStore } from '../../../src/core/store.js';
import { ManualClock, ManualFrames, MemoryTransport } from '../../support/memory-transport.js';

const stores: Array<{ destroy(): void }> = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.destroy();
});

function setup() {
  const transport = new MemoryTransport();
  transport.connect();
  const clock = new ManualClock(1_000_000);
  const store = createStore(transport, { scheduleFrame: new ManualFrames().schedule, timers: clock, now: clock.now });
  stores.push(store);
  const seen = () => transport.sent.filter((a) => a.type === 'seen').map((a) => (a as { ids: string[] }).ids);
  return { transport, clock, store, seen };
}

test('seen ids go out together at most once a second, each once', () => {
  const { clock, store, seen } = setup();
  store.markSeen(['a', 'b']);
  store.markSeen(['b', 'c']);
  assert.deepEqual(seen(), [], 'nothing before the second is up');
  clock.tick(1000);
  assert.deepEqual(seen(), [['a', 'b', 'c']]);
  store.markSeen(['a', 'c', 'd']);
  clock.tick(999);
  assert.equal(seen().length, 1);
  clock.tick(1);
  assert.deepEqual(seen(), [['a', 'b', 'c'], ['d']], 'ids already sent are not sent again');
  store.markSeen(['a']);
  clock.tick(5000);
  assert.equal(seen().length, 2);
  assert.equal(clock.pending, 0, 'no timer left running');
});

test('while disconnected seen ids wait, and go out once connected again', () => {
  const { transport, clock, store, seen } = setup();
  transport.close();
  store.markSeen(['x']);
  clock.tick(1000);
  assert.deepEqual(seen(), []);
  transport.connect();
  clock.tick(1000);
  assert.deepEqual(seen(), [['x']]);
});

test('a batch holds at most 500 ids; the rest follow a second later', () => {
  const { clock, store, seen } = setup();
  store.markSeen(Array.from({ length: 700 }, (_, i) => `n${i}`));
  clock.tick(1000);
  assert.equal(seen()[0]!.length, 500);
  clock.tick(1000);
  assert.equal(seen()[1]!.length, 200);
});
