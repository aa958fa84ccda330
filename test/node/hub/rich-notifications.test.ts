import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  parseHubMessage,
  type RealtimeNotification,
  validateEventInput,
  validatePublishBody,
} from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { createMasker } from '../../../src/hub/masking.js';
import { toEntry, validatePublish } from '../../../src/hub/publish.js';
import { note, post, startHub } from '../../support/hub-harness.js';

const mask = createMasker();
const now = '2026-11-25T10:00:00.000Z';
const error = (value: unknown) => {
  const r = validateEventInput(value);
  assert.equal(r.ok, false, `accepted ${JSON.stringify(value)}`);
  return (r as { error: string }).error;
};

describe('rich notifications: publish validation', () => {
  test('actions, actor, group and resolved are accepted in their valid forms', () => {
    const r = validateEventInput(
      note('Database is down', {
        actions: [
          { id: 'ack', label: 'Acknowledge' },
          { id: 'runbook', label: 'Runbook', url: 'https://example.com/runbooks/db' },
        ],
        actor: { name: 'Ada Lovelace', avatarUrl: 'https://example.com/ada.png' },
        group: 'database-1764064800000',
        resolved: true,
      }),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value.kind === 'notification' && r.value.actions?.[1], {
      id: 'runbook',
      label: 'Runbook',
      url: 'https://example.com/runbooks/db',
    });
  });

  test('each refusal names the field and what it must be', () => {
    const four = [1, 2, 3, 4].map((i) => ({ id: `a${i}`, label: `A${i}` }));
    assert.equal(error(note('t', { actions: four })), 'actions: must have at most 3 items');
    assert.equal(error(note('t', { actions: {} })), 'actions: must be an array');
    assert.equal(error(note('t', { actions: [{ label: 'x' }] })), 'actions[0].id: is required');
    assert.equal(error(note('t', { actions: [{ id: 'a' }] })), 'actions[0].label: is required');
    assert.equal(error(note('t', { actions: [{ id: 'a', label: '' }] })), 'actions[0].label: must not be empty');
    assert.equal(
      error(note('t', { actions: [{ id: 'a', label: 'x'.repeat(41) }] })),
      'actions[0].label: must have at most 40 characters',
    );
    assert.equal(
      error(note('t', { actions: [{ id: 'has space', label: 'x' }] })),
      'actions[0].id: must match /^[A-Za-z0-9_.-]+$/',
    );
    assert.equal(
      error(note('t', { actions: [{ id: 'x'.repeat(65), label: 'x' }] })),
      'actions[0].id: must have at most 64 characters',
    );
    assert.equal(
      error(note('t', { actions: [{ id: 'constructor', label: 'x' }] })),
      'actions[0].id: is not an allowed name',
    );
    assert.equal(
      error(
        note('t', {
          actions: [
            { id: 'a', label: 'x' },
            { id: 'b', label: 'y' },
            { id: 'a', label: 'z' },
          ],
        }),
      ),
      'actions[2].id: must differ from actions[0].id',
    );
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,x',
      '/relative',
      'ftp://x.example',
    ]) {
      assert.equal(
        error(note('t', { actions: [{ id: 'a', label: 'x', url }] })),
        'actions[0].url: must be an absolute http:// or https:// URL',
        url,
      );
    }
    assert.equal(
      error(note('t', { actions: [{ id: 'a', label: 'x', url: 'https://u:p@example.com/' }] })),
      'actions[0].url: must not carry a user name or password',
    );
    assert.equal(error(note('t', { actor: {} })), 'actor.name: is required');
    assert.equal(error(note('t', { actor: { name: '' } })), 'actor.name: must not be empty');
    assert.equal(
      error(note('t', { actor: { name: 'A', avatarUrl: 'http://example.com/a.png' } })),
      'actor.avatarUrl: must be an absolute https:// URL',
    );
    assert.equal(
      error(note('t', { actor: { name: 'A', avatarUrl: 'javascript:alert(1)' } })),
      'actor.avatarUrl: must be an absolute http:// or https:// URL',
    );
    assert.equal(error(note('t', { group: 'db outage' })), 'group: must match /^[A-Za-z0-9_.-]+$/');
    assert.equal(error(note('t', { group: '__proto__' })), 'group: is not an allowed name');
    assert.equal(error(note('t', { resolved: 'yes' })), 'resolved: must be true or false');
    const batch = validatePublishBody([
      note('ok'),
      note('t', { actions: [{ id: 'a', label: 'x', url: 'javascript:x' }] }),
    ]);
    assert.equal(batch.ok, false);
    assert.equal((batch as { error: string }).error, '[1].actions[0].url: must be an absolute http:// or https:// URL');
  });

  test('action ids and group are identifiers: refused when masking would change them', () => {
    const group = validatePublish(note('t', { group: '4242424242424242' }), mask);
    assert.equal(group.ok, false);
    assert.match((group as { error: string }).error, /^group: looks like personal data or a secret/);
    assert.doesNotMatch((group as { error: string }).error, /4242424242424242/);
    const action = validatePublish(
      note('t', {
        actions: [
          { id: 'ok', label: 'x' },
          { id: '4242424242424242', label: 'y' },
        ],
      }),
      mask,
    );
    assert.equal(action.ok, false);
    assert.match((action as { error: string }).error, /^actions\[1\]\.id: looks like personal data or a secret/);
  });
});

describe('rich notifications: masking and storage', () => {
  test('labels, the actor name and the pieces of action and avatar URLs are masked; ids, group and resolved kept', () => {
    const parsed = validatePublish(
      note('t', {
        actions: [
          { id: 'call', label: 'Call jane@example.com', url: 'https://crm.example.com/c?email=jane@example.com&x=1' },
          { id: 'ack', label: 'Acknowledge' },
        ],
        actor: { name: 'Card 4242 4242 4242 4242', avatarUrl: 'https://img.example.com/jane@example.com.png' },
        group: 'db-1',
        resolved: true,
      }),
      mask,
    );
    assert.ok(parsed.ok);
    const { event } = toEntry(parsed.value[0]!, mask, now);
    const json = JSON.stringify(event);
    assert.doesNotMatch(json, /jane@example\.com|4242 4242 4242 4242/);
    const n = event as RealtimeNotification;
    assert.equal(n.actions?.[0]?.id, 'call');
    assert.equal(n.actions?.[0]?.label, mask('Call jane@example.com'));
    assert.match(String(n.actions?.[0]?.url), /^https:\/\/crm\.example\.com\/c\?email=.*&x=1$/);
    assert.deepEqual(n.actions?.[1], { id: 'ack', label: 'Acknowledge' });
    assert.equal(n.actor?.name, mask('Card 4242 4242 4242 4242'));
    assert.match(String(n.actor?.avatarUrl), /^https:\/\/img\.example\.com\//);
    assert.equal(n.group, 'db-1');
    assert.equal(n.resolved, true);
    // `resolved: false` is the default: not stored.
    const open = validatePublish(note('t', { group: 'db-1', resolved: false }), mask);
    assert.ok(open.ok);
    assert.equal('resolved' in toEntry(open.value[0]!, mask, now).event, false);
  });

  describe('over HTTP', () => {
    let hub: Hub;
    before(async () => {
      hub = await startHub();
    });
    after(() => hub.close());

    test('a javascript: action url is a 400 naming the field; nothing is stored', async () => {
      const before = await hub.backend.latestSeq();
      const res = await post(hub, note('t', { actions: [{ id: 'a', label: 'Go', url: 'javascript:alert(1)' }] }));
      assert.equal(res.status, 400);
      assert.match(String(res.body.error), /actions\[0\]\.url: must be an absolute http:\/\/ or https:\/\/ URL/);
      assert.equal(await hub.backend.latestSeq(), before);
    });

    test('the new fields are stored with the event and listed back as the client reads them', async () => {
      const res = await post(
        hub,
        note('Database recovered', {
          actions: [{ id: 'ack', label: 'Acknowledge', url: 'https://example.com/a' }],
          actor: { name: 'Ops Bot' },
          group: 'db-7',
          resolved: true,
        }),
      );
      assert.equal(res.status, 202);
      const listed = await hub.backend.listNotifications({ userId: 'u1', role: 'admin' }, { limit: 1 });
      const n = listed.notifications[0]!;
      assert.deepEqual(
        { actions: n.actions, actor: n.actor, group: n.group, resolved: n.resolved },
        {
          actions: [{ id: 'ack', label: 'Acknowledge', url: 'https://example.com/a' }],
          actor: { name: 'Ops Bot' },
          group: 'db-7',
          resolved: true,
        },
      );
      // The browser's parser keeps them too.
      const frame = parseHubMessage(JSON.stringify({ type: 'event', event: { ...n, read: undefined } }));
      assert.ok(frame.ok, frame.ok ? '' : frame.error);
      const event = frame.value.type === 'event' ? frame.value.event : undefined;
      assert.equal(event?.kind === 'notification' && event.actions?.[0]?.id, 'ack');
      assert.equal(event?.kind === 'notification' && event.group, 'db-7');
    });
  });
});
