/**
 * Auth abuse over real sockets, where test/node/hub/hub-auth.test.ts and hub-security.test.ts do
 * not already cover it (those cover: expired 4001, bad signature 4004, not a JWT, wrong role 4003,
 * protocol 4006, auth timeout 4101, another user's token mid-session 4005, cross-origin 403,
 * per-IP 429, message flood 4100). Added here:
 *
 * - not-yet-valid (`nbf`), `alg: none`, wrong issuer, wrong audience, HS256 signed with another
 *   secret but otherwise perfect, an RS256 token against an HS256 hub — each 4004 on the wire,
 *   nothing sent before the close, and an `auth-failed` audit row with the client IP;
 * - a token of another user mid-session leaves the first user's other sessions untouched;
 * - a connection flood from one IP is cut at the upgrade (429) while the hub keeps serving the
 *   sockets it has, HTTP publishes, and new connections once the bucket refills;
 * - a message flood on one socket closes only it (4100, retry-after), also before auth;
 * - cross-origin upgrades with lookalike and `null` origins are 403 and leave no session.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { CloseCode, retryHintMs } from '../../../src/core/protocol.js';
import {
  closeAllHubs,
  note,
  post,
  signToken,
  startHub,
  TEST_SECRET,
  TestClient,
  waitUntil,
} from '../../support/hub-harness.js';

after(closeAllHubs);

const ISSUER = 'https://id.example.com';
const AUDIENCE = 'admin-realtime';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const secret = (s = TEST_SECRET) => new TextEncoder().encode(s);

async function hs256(claims: Record<string, unknown>, key = TEST_SECRET) {
  return new SignJWT({ role: 'admin', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(secret(key));
}

describe('token abuse at the socket (hub with issuer and audience)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const valid = () => ({ sub: 'mallory', iss: ISSUER, aud: AUDIENCE, iat: now() - 10, exp: now() + 600 });

  test('each forged or misdirected token closes 4004 with nothing sent, and is audited', async () => {
    const hub = await startHub({ auth: { jwtSecret: TEST_SECRET, issuer: ISSUER, audience: AUDIENCE } });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: Array<[string, string, number]> = [
      ['valid control', await hs256(valid()), 0],
      ['not yet valid (nbf +10 min)', await hs256({ ...valid(), nbf: now() + 600 }), CloseCode.InvalidToken],
      [
        'alg none',
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...valid(), role: 'admin' })}.`,
        CloseCode.InvalidToken,
      ],
      [
        'alg none with a signature',
        `${b64({ alg: 'none' })}.${b64({ ...valid(), role: 'admin' })}.${b64('sig')}`,
        CloseCode.InvalidToken,
      ],
      ['wrong issuer', await hs256({ ...valid(), iss: 'https://evil.example' }), CloseCode.InvalidToken],
      ['no issuer', await hs256({ ...valid(), iss: undefined }), CloseCode.InvalidToken],
      ['wrong audience', await hs256({ ...valid(), aud: 'another-app' }), CloseCode.InvalidToken],
      ['other secret', await hs256(valid(), 'another-secret-that-is-long-enough-0123456789'), CloseCode.InvalidToken],
      [
        'RS256 token at an HS256 hub',
        await new SignJWT({ ...valid(), role: 'admin' }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey),
        CloseCode.InvalidToken,
      ],
      [
        'payload swapped under a valid signature',
        await (async () => {
          const [h, , s] = (await hs256(valid())).split('.');
          return `${h}.${b64({ ...valid(), sub: 'root', role: 'super_admin' })}.${s}`;
        })(),
        CloseCode.InvalidToken,
      ],
      ['wrong role', await hs256({ ...valid(), role: 'viewer' }), CloseCode.Forbidden],
    ];
    for (const [label, token, code] of cases) {
      const client = await TestClient.connect(hub.wsUrl);
      client.send({ type: 'auth', token });
      if (code === 0) {
        await client.waitFor((m) => m.type === 'welcome', `${label}: welcome`);
        client.close();
        continue;
      }
      const closed = await client.waitClosed(label);
      assert.equal(closed.code, code, `${label}: ${closed.code} ${closed.reason}`);
      assert.equal(client.frames.length, 0, `${label}: nothing is sent before a successful auth`);
    }
    // Failures from one address within a minute fold into one row that counts them (issue 14 item 8).
    const failures = await hub.backend.readAudit({ action: 'auth-failed', limit: 100 });
    assert.equal(failures.length, 1, 'one folded row for one address');
    assert.equal((failures[0]!.detail as { count: number }).count, cases.length - 1, 'every refusal counted');
    assert.ok(failures.every((row) => row.ip === '127.0.0.1'));
    assert.ok(
      failures.every((row) => row.userId === null),
      'a refused token never names a user in the audit',
    );
    await hub.close();
  });

  test('another user’s token mid-session closes only that socket; the first user’s other tab stays', async () => {
    const hub = await startHub();
    const tab1 = await TestClient.open(hub, await signToken({ sub: 'alice' }));
    const tab2 = await TestClient.open(hub, await signToken({ sub: 'alice' }));
    tab1.send({ type: 'auth', token: await signToken({ sub: 'bob', role: 'super_admin' }) });
    const closed = await tab1.waitClosed();
    assert.equal(closed.code, CloseCode.UserMismatch);
    assert.ok(!tab1.frames.some((m) => m.type === 'welcome' && m.user.id === 'bob'), 'never welcomed as bob');
    await hub.publish(note('for alice'));
    await tab2.waitForEvent((e) => e.kind === 'notification' && e.title === 'for alice', 'tab 2 still served');
    const row = (await hub.backend.readAudit({ action: 'auth-failed', limit: 5 }))[0]!;
    assert.equal(row.userId, 'bob');
    assert.equal((row.detail as { code: number }).code, CloseCode.UserMismatch);
    tab2.close();
    await hub.close();
  });
});

describe('floods', () => {
  test('a connection flood from one IP gets 429 at the upgrade; existing sockets, publishes and later connections are served', async () => {
    let clock = Date.now();
    const hub = await startHub({ connectionRate: { perSecond: 2, burst: 10 }, now: () => clock });
    const resident = await TestClient.open(hub, await signToken({ sub: 'resident' }));
    const statuses: number[] = [];
    const opened: TestClient[] = [];
    // 60 upgrades as fast as possible (bounded).
    await Promise.all(
      Array.from({ length: 60 }, async () => {
        try {
          opened.push(await TestClient.connect(hub.wsUrl));
          statuses.push(101);
        } catch (err) {
          statuses.push((err as { status?: number }).status ?? -1);
        }
      }),
    );
    assert.equal(statuses.filter((s) => s === 101).length, 9, 'the burst (10) minus the resident');
    assert.equal(statuses.filter((s) => s === 429).length, 51);
    assert.equal(hub.connections(), 10);
    // The hub keeps serving: the resident gets events, publishing works.
    const res = await post(hub, note('during the flood'));
    assert.equal(res.status, 202);
    await resident.waitForEvent((e) => e.kind === 'notification' && e.title === 'during the flood', 'resident');
    // The flood's sockets go away; the hub forgets them.
    for (const c of opened) c.close();
    await waitUntil(() => hub.connections() === 1, 'flood sockets gone');
    // Once the bucket refills (clock moved 1 s: 2 tokens), new connections come in again.
    clock += 1000;
    const late = await TestClient.open(hub, await signToken({ sub: 'late' }));
    assert.equal(late.closedWith, null);
    late.close();
    resident.close();
    await hub.close();
  });

  test('a message flood before auth is cut (4100 or 1008) and served nothing; an authenticated neighbour is unaffected', async () => {
    const hub = await startHub({ messageRate: { perSecond: 1, burst: 5 } });
    const neighbour = await TestClient.open(hub, await signToken({ sub: 'neighbour' }));
    const flooder = await TestClient.connect(hub.wsUrl);
    for (let i = 0; i < 50; i++) flooder.ws.send('{"type":"ping","t":1}');
    const closed = await flooder.waitClosed();
    // Frames read in one go hit the bucket before the first one is handled (4100); frames read
    // one by one meet "first message must be auth" first (1008). Either way: closed, nothing sent.
    assert.ok([CloseCode.RateLimited, CloseCode.PolicyViolation].includes(closed.code as 4100), `${closed.code}`);
    assert.equal(flooder.frames.length, 0);
    const flooder2 = await TestClient.open(hub, await signToken({ sub: 'flooder' }));
    for (let i = 0; i < 200; i++) flooder2.ws.send('{"type":"ping","t":2}');
    const closed2 = await flooder2.waitClosed();
    assert.equal(closed2.code, CloseCode.RateLimited);
    assert.ok((retryHintMs(closed2.reason) ?? 0) >= 1000);
    const pongs = flooder2.frames.filter((m) => m.type === 'pong').length;
    assert.ok(pongs <= 5, `at most the burst was served (${pongs})`);
    await hub.publish(note('neighbour still served'));
    await neighbour.waitForEvent((e) => e.kind === 'notification', 'neighbour');
    assert.equal(neighbour.closedWith, null);
    neighbour.close();
    await hub.close();
  });
});

describe('cross-origin upgrades', () => {
  test('lookalike, scheme-swapped, port-swapped and null origins are 403 and leave no session', async () => {
    const hub = await startHub({ allowedOrigins: ['https://admin.example.com', 'http://127.0.0.1:5555'] });
    const origins = [
      'http://evil@127.0.0.1:5555',
      'http://evil:secret@127.0.0.1:5555',
      'https://admin.example.com.evil.example',
      'https://evil-admin.example.com',
      'http://admin.example.com',
      'https://admin.example.com:8443',
      'null',
      'https://admin.example.com@evil.example',
      'https://ADMIN.EXAMPLE.COM.',
    ];
    for (const origin of origins) {
      try {
        await TestClient.connect(hub.wsUrl, { origin });
        assert.fail(`${origin} was accepted`);
      } catch (err) {
        assert.equal((err as { status?: number }).status, 403, origin);
      }
    }
    assert.equal(hub.connections(), 0);
    const ok = await TestClient.connect(hub.wsUrl, { origin: 'https://admin.example.com' });
    ok.close();
    await hub.close();
  });
});
