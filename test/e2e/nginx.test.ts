/**
 * The nginx configurations in the docs, run by a real nginx: the ```nginx blocks of docs/deploy.md
 * (an `upstream` of nodes) and docs/hub.md (one hub, with the `location = /v1/sse` block added to
 * its `server`) are read from the Markdown, and only the upstream addresses, the `listen` line and
 * the TLS lines are changed. Behind them, two hub nodes on one throwaway PostgreSQL. Through
 * nginx: a WebSocket is welcomed and receives what the other node published, /healthz answers, an
 * SSE stream delivers an event within 1 s (nothing holds it back) and its heartbeat, a long poll
 * answers, and the audit trail has the client IP from X-Forwarded-For (the hubs trust 127.0.0.1).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findNginx, MISSING_NGINX } from '../../scripts/find-nginx.mjs';
import type { HubMessage, StreamEvent, WelcomeMessage } from '../../src/core/protocol.js';
import type { Hub } from '../../src/hub/hub.js';
import { closeAllHubs, note, signToken, startHub, TestClient, waitUntil } from '../support/hub-harness.js';
import { createTestDatabase } from '../support/postgres.js';
import { SseClient } from '../support/sse-client.js';

const ORIGIN = 'https://admin.example';
const HEARTBEAT_MS = 300;
const root = new URL('../../', import.meta.url);

/** The bodies of the ```nginx fenced blocks of a Markdown file, in order. */
function nginxBlocks(doc: string): string[] {
  const text = readFileSync(new URL(doc, root), 'utf8');
  return [...text.matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** `text` with `pattern` replaced; fails when the doc no longer has what the test substitutes. */
function substitute(text: string, pattern: RegExp, replace: (match: string, ...groups: string[]) => string): string {
  assert.match(text, pattern, `the doc's nginx block has ${pattern}`);
  return text.replace(pattern, replace);
}

/** A doc's `server` block made to listen on loopback without TLS; everything else verbatim. */
function onLoopback(block: string, port: number): string {
  const plain = block
    .split('\n')
    .filter((line) => !/^\s*#?\s*ssl_/.test(line))
    .join('\n');
  return substitute(plain, /^(\s*)listen [^;]+;/m, (_m, indent) => `${indent}listen 127.0.0.1:${port};`);
}

/** The docs' configurations as one nginx.conf: deploy.md's on `clusterPort`, hub.md's on `singlePort`. */
function configFromDocs(dir: string, nodes: string[], clusterPort: number, singlePort: number): string {
  const deploy = nginxBlocks('docs/deploy.md');
  assert.equal(deploy.length, 1, 'docs/deploy.md has one nginx block');
  let n = 0;
  const cluster = substitute(
    onLoopback(deploy[0]!, clusterPort),
    /(^\s*server )\d+\.\d+\.\d+\.\d+:\d+/gm,
    (_m, head) => `${head}${nodes[n++ % nodes.length]}`,
  );
  const hub = nginxBlocks('docs/hub.md');
  assert.equal(hub.length, 2, 'docs/hub.md has the server block and the /v1/sse block');
  const server = onLoopback(hub[0]!, singlePort).trimEnd();
  assert.ok(server.endsWith('}'), "hub.md's first block is a server block");
  // The /v1/sse block goes inside that server block, as hub.md says.
  const single = substitute(
    `${server.slice(0, -1)}${hub[1]!.replace(/^/gm, '  ')}}\n`,
    /127\.0\.0\.1:8787/g,
    () => nodes[0]!,
  );
  const temp = (name: string) => {
    mkdirSync(join(dir, name));
    return join(dir, name);
  };
  return [
    'daemon off;',
    'worker_processes 1;',
    process.getuid?.() === 0 ? 'user root;' : '',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} info;`,
    'events {}',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    `  client_body_temp_path ${temp('body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    cluster,
    single,
    '}',
    '',
  ].join('\n');
}

/** A port free on 127.0.0.1 just now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `url` answers 200 (nginx is up and the route reaches a hub); bounded. */
async function answers(url: string, nginx: ChildProcess, log: () => string): Promise<void> {
  await waitUntil(
    async () => {
      assert.equal(nginx.exitCode, null, `nginx exited: ${log()}`);
      return fetch(url).then(
        (res) => res.status === 200,
        () => false,
      );
    },
    `${url} through nginx`,
    10_000,
  );
}

const bearer = (token: string) => ({
  'content-type': 'application/json',
  authorization: `Bearer ${token}`,
  origin: ORIGIN,
});

/** An SSE stream through nginx: a ticket by POST, then the stream with the ticket in the query. */
async function openSse(base: string, token: string): Promise<SseClient> {
  const issued = await fetch(`${base}/v1/tickets`, { method: 'POST', headers: bearer(token), body: '{}' });
  assert.equal(issued.status, 200, await issued.clone().text());
  const { ticket } = (await issued.json()) as { ticket: string };
  const stream = await SseClient.connect(`${base}/v1/sse?ticket=${ticket}`, { origin: ORIGIN });
  assert.equal(stream.res.status, 200);
  assert.equal(stream.res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  return stream;
}

const eventsOf = (messages: HubMessage[]): StreamEvent[] =>
  messages.flatMap((m) => (m.type === 'event' ? [m.event] : m.type === 'events' ? m.events : []));
const titleOf = (event: StreamEvent) => (event as { title?: string }).title;

let dir: string;
let nginx: ChildProcess;
let a: Hub;
let b: Hub;
/** deploy.md's server (the upstream of both nodes) and hub.md's (node A), through nginx. */
let cluster: string;
let single: string;
let dropDatabase = async () => {};

before(async () => {
  // Never a skip: without nginx this file fails (and `npm test` stops before it with the same line).
  const bin = findNginx();
  assert.ok(bin, MISSING_NGINX);
  const db = await createTestDatabase();
  dropDatabase = db.drop;
  const node = (name: string) =>
    startHub({
      postgres: { url: db.url, node: name },
      fallback: { ticketSecret: 'nginx-test-ticket-secret-0123456789abcdef', sseHeartbeatMs: HEARTBEAT_MS },
      trustProxy: ['127.0.0.1'],
      allowedOrigins: [ORIGIN],
    });
  [a, b] = await Promise.all([node('node-a'), node('node-b')]);
  dir = mkdtempSync(join(tmpdir(), 'admin-realtime-nginx-'));
  const [clusterPort, singlePort] = [await freePort(), await freePort()];
  const address = (hub: Hub) => new URL(hub.url).host;
  writeFileSync(join(dir, 'nginx.conf'), configFromDocs(dir, [address(a), address(b)], clusterPort, singlePort));
  let stderr = '';
  nginx = spawn(bin, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  nginx.stderr!.on('data', (d) => {
    stderr += d;
  });
  const log = () => {
    let file = '';
    try {
      file = readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {}
    return `${stderr}\n${file}`.trim();
  };
  cluster = `http://127.0.0.1:${clusterPort}`;
  single = `http://127.0.0.1:${singlePort}`;
  await answers(`${cluster}/healthz`, nginx, log);
  await answers(`${single}/healthz`, nginx, log);
});

after(async () => {
  if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    process.kill(nginx.pid!, 'SIGTERM');
    await exited;
  }
  await closeAllHubs();
  await dropDatabase();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the docs’ nginx configurations, run by nginx', () => {
  test('/healthz answers through both configurations', async () => {
    for (const base of [cluster, single]) {
      const res = await fetch(`${base}/healthz`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { ok: boolean; node: string };
      assert.equal(body.ok, true);
      assert.ok(['node-a', 'node-b'].includes(body.node), body.node);
    }
  });

  test('a WebSocket through nginx is welcomed and receives what the other node published; the audit has its IP', async () => {
    // hub.md's server reaches node A only, so node B is the other node.
    const user = 'ws-through-nginx';
    const client = await TestClient.connect(`${single.replace('http', 'ws')}/v1/ws`, {
      origin: ORIGIN,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    client.send({ type: 'auth', token: await signToken({ sub: user }) });
    await client.waitFor((m) => m.type === 'welcome', 'welcome through nginx');
    await b.publish(note('from node B'));
    await client.waitForEvent((e) => titleOf(e) === 'from node B', 'the event published through node B', 10_000);
    // nginx appended the peer it saw (127.0.0.1, trusted) to the client's header: the hub walked
    // past it to the address the client's own proxy reported.
    const row = (await a.backend.readAudit({ action: 'connect', userId: user }))[0];
    assert.equal(row?.ip, '203.0.113.9');

    // deploy.md's upstream: welcomed on whichever node least_conn picked, the event arrives too.
    const spread = await TestClient.connect(`${cluster.replace('http', 'ws')}/v1/ws`, { origin: ORIGIN });
    spread.send({ type: 'auth', token: await signToken({ sub: 'ws-upstream' }) });
    await spread.waitFor((m) => m.type === 'welcome', 'welcome through the upstream');
    await a.publish(note('to the upstream'));
    await spread.waitForEvent((e) => titleOf(e) === 'to the upstream', 'the event through the upstream', 10_000);
    assert.equal((await a.backend.readAudit({ action: 'connect', userId: 'ws-upstream' }))[0]?.ip, '127.0.0.1');
    assert.deepEqual([client.invalid, spread.invalid], [[], []]);
    client.close();
    spread.close();
  });

  test('an SSE stream through nginx delivers an event within 1 s and its heartbeat', async () => {
    for (const [name, base] of [
      ['hub.md (location = /v1/sse)', single],
      ['deploy.md (location /v1/)', cluster],
    ] as const) {
      const stream = await openSse(base, await signToken({ sub: `sse-${name.slice(0, 6)}` }));
      await waitUntil(() => stream.frames.length >= 2, `${name}: welcome and snapshot`, 5000);
      assert.equal(stream.frames[0]!.type, 'welcome');
      const title = `sse through ${name}`;
      const sent = Date.now();
      await b.publish(note(title));
      const at = await waitUntil(() => stream.arrivalOf((e) => titleOf(e) === title), `${name}: the event`, 5000);
      assert.ok(at - sent < 1000, `${name}: the event took ${at - sent} ms through nginx`);
      const comments = stream.comments;
      await waitUntil(() => stream.comments > comments, `${name}: a heartbeat`, HEARTBEAT_MS * 10);
      stream.stop();
    }
  });

  test('a long poll through nginx answers with the event published meanwhile', async () => {
    const token = await signToken({ sub: 'poller' });
    const poll = async (body: object) => {
      const res = await fetch(`${cluster}/v1/poll`, {
        method: 'POST',
        headers: bearer(token),
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { messages: HubMessage[]; cursor: number };
    };
    const first = await poll({});
    assert.deepEqual(
      first.messages.map((m) => m.type),
      ['welcome', 'snapshot'],
    );
    const { stream } = first.messages[0] as WelcomeMessage;
    const waiting = poll({ resumeFrom: first.cursor, stream });
    await a.publish(note('while polling'));
    const answered = await waiting;
    assert.deepEqual(eventsOf(answered.messages).map(titleOf), ['while polling']);
  });
});
