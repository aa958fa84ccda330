import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeAction } from '../../../src/core/protocol.js';

test('close codes map to actions by range', () => {
  assert.equal(closeAction(4001), 'refresh-token');
  assert.equal(closeAction(4003), 'stop');
  assert.equal(closeAction(4150), 'backoff');
  assert.equal(closeAction(4250), 'reconnect-now');
});
