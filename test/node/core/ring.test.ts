import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ring } from '../../../src/core/ring.js';

test('ring: keeps the newest `capacity` entries, oldest first', () => {
  const ring = new Ring<number>(3);
  assert.deepEqual(ring.toArray(), []);
  for (let i = 1; i <= 7; i++) ring.push(i);
  assert.equal(ring.length, 3);
  assert.deepEqual(ring.toArray(), [5, 6, 7]);
  assert.equal(ring.at(0), 5);
  assert.equal(ring.at(-1), 7);
  assert.equal(ring.at(3), undefined);
  assert.equal(ring.at(-4), undefined);
});

test('ring: setLast, shift and clear', () => {
  const ring = new Ring<string>(2);
  ring.setLast('ignored when empty');
  assert.equal(ring.length, 0);
  ring.push('a');
  ring.push('b');
  ring.push('c');
  ring.setLast('C');
  assert.deepEqual(ring.toArray(), ['b', 'C']);
  assert.equal(ring.shift(), 'b');
  ring.push('d');
  assert.deepEqual(ring.toArray(), ['C', 'd']);
  assert.equal(ring.shift(), 'C');
  assert.equal(ring.shift(), 'd');
  assert.equal(ring.shift(), undefined);
  ring.push('e');
  ring.clear();
  assert.deepEqual(ring.toArray(), []);
});

test('ring: toArray is a copy the ring never touches again', () => {
  const ring = new Ring<number>(2);
  ring.push(1);
  const copy = ring.toArray();
  ring.push(2);
  ring.push(3);
  assert.deepEqual(copy, [1]);
});

test('ring: capacity must be a positive integer', () => {
  assert.throws(() => new Ring(0), RangeError);
  assert.throws(() => new Ring(1.5), RangeError);
});
