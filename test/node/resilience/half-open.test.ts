/**
 * Half-open upgrades against a hub child process (the CLI) started with 256 open files: hundreds
 * of requests that never finish their headers, from other loopback addresses, while a legitimate
 * client on 127.0.0.1 connects and `/healthz` answers. The hub refuses what is over its pending
 * caps at once and cuts the rest when the header timeout (5 s) passes. Before the guard, the
 * attack took every descriptor and locked everyone out until Node's own timeouts (60 s and more).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import type { WelcomeMessage } from '../../../src/core/protocol.js';
import { signToken, TEST_PUBLISH_KEY, TEST_SECRET, TestClient, waitUntil } from '../../support/hub-harness.js';

const FILE_LIMIT = 256;
/** What the hub derives from 256 open files: a quarter in total, a quarter of that per address. */
const PENDING_TOTAL = 64;
const PENDING_PER_IP = 16;
const HEADER_TIMEOUT_MS = 5000;
/** Slack for a loaded 2-core machine between the timer falling due and the close arriving here. */
const CLOSE_SLACK_MS = 2000;

const children = new Set<ChildProcess>();
const attackers = new Set<Socket>();
after(() => {
  for (const socket of attackers) socket.destroy();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startLimitedHub(): Promise<{ child: ChildProcess; url: string; wsUrl: string; port: number }> {
  const child = spawn(
    'bash',
    ['-c', `ulimit -n ${FILE_LIMIT}; exec "${process.execPath}" --import tsx src/hub/cli.ts --port 0 --db :memory:`],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ADMIN_REALTIME_JWT_SECRET: TEST_SECRET,
        ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY,
        ADMIN_REALTIME_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const line = await waitUntil(
    () => stdout.split('\n').find((l) => l.includes('"listening"')),
    `listening line (stderr: ${stderr})`,
    15_000,
  );
  return { child, ...(JSON.parse(line) as { url: string; wsUrl: string; port: number }) };
}

interface Attack {
  sockets: Socket[];
  openedAt: Map<Socket, number>;
  closedAt: Map<Socket, number>;
}

/** Opens `count` connections from `fromAddress` that send the start of an upgrade and stop. */
function halfSend(port: number, fromAddress: string, count: number, attack: Attack): void {
  for (let i = 0; i < count; i++) {
    const socket = connect({ port, host: '127.0.0.1', localAddress: fromAddress });
    attackers.add(socket);
    attack.sockets.push(socket);
    socket.on('error', () => {});
    socket.resume(); // read what the hub answers, so its close is seen
    socket.on('connect', () => {
      attack.openedAt.set(socket, Date.now());
      socket.write('GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    });
    socket.on('close', () => {
      attack.closedAt.set(socket, Date.now());
      attackers.delete(socket);
    });
  }
}

const newAttack = (): Attack => ({ sockets: [], openedAt: new Map(), closedAt: new Map() });
const stillOpen = (attack: Attack) => attack.sockets.filter((s) => !attack.closedAt.has(s)).length;

describe('half-open upgrades against a hub with 256 open files', () => {
  test('one address: held to its cap, the rest refused at once; a client and /healthz get through; all cut in time', async () => {
    const hub = await startLimitedHub();
    const attack = newAttack();
    halfSend(hub.port, '127.0.0.2', 400, attack);
    const settled = () => attack.sockets.every((socket) => attack.openedAt.has(socket) || attack.closedAt.has(socket));
    await waitUntil(settled, 'every attacking connection opened or refused', 5000);

    // While the attack holds its connections: /healthz answers and a client connects and is welcomed.
    const health = await fetch(`${hub.url}/healthz`, { signal: AbortSignal.timeout(3000) });
    assert.equal(health.status, 200);
    const client = await TestClient.open(
      { wsUrl: hub.wsUrl } as Parameters<typeof TestClient.open>[0],
      await signToken({ sub: 'legit' }),
    );
    assert.equal((client.frames[0] as WelcomeMessage).user.id, 'legit');

    // Everything over the per-address cap was answered and closed at once; the cap is still held.
    await waitUntil(() => attack.closedAt.size >= 400 - PENDING_PER_IP, 'refusals over the cap', 3000);
    assert.equal(stillOpen(attack), PENDING_PER_IP, 'the hub holds exactly the per-address cap');

    // The held ones are cut when the header timeout passes; the legitimate client stays.
    await waitUntil(() => stillOpen(attack) === 0, 'held connections cut', HEADER_TIMEOUT_MS + CLOSE_SLACK_MS + 1000);
    for (const socket of attack.sockets) {
      const opened = attack.openedAt.get(socket);
      if (opened === undefined) continue; // refused before it connected here
      assert.ok(attack.closedAt.get(socket)! - opened <= HEADER_TIMEOUT_MS + CLOSE_SLACK_MS, 'cut within the timeout');
    }
    assert.equal(client.closedWith, null);
    client.close();
    hub.child.kill('SIGTERM');
    await new Promise((resolve) => hub.child.once('exit', resolve));
  });

  test('many addresses: the hub holds at most its total, and is open again once they are cut', async () => {
    const hub = await startLimitedHub();
    const attack = newAttack();
    const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 10}`);
    for (const address of addresses) halfSend(hub.port, address, 2 * PENDING_PER_IP, attack);
    const attempts = addresses.length * 2 * PENDING_PER_IP;
    await waitUntil(() => attack.closedAt.size >= attempts - PENDING_TOTAL, 'refusals over the total', 5000);
    assert.equal(stillOpen(attack), PENDING_TOTAL, 'the hub holds exactly its total');
    await waitUntil(() => stillOpen(attack) === 0, 'held connections cut', HEADER_TIMEOUT_MS + CLOSE_SLACK_MS + 1000);
    const health = await fetch(`${hub.url}/healthz`, { signal: AbortSignal.timeout(3000) });
    assert.equal(health.status, 200);
    hub.child.kill('SIGTERM');
    await new Promise((resolve) => hub.child.once('exit', resolve));
  });
});
