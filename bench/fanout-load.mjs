/**
 * The fan-out load generator, a process of its own (forked by bench/run.mjs): opens N clients to
 * one server, or spread in turn over several given as `port1,port2` (the nodes of a cluster)
 * (hub: authenticated with a JWT each; ws; Socket.IO, Engine.IO over a websocket) and
 * records publish-to-receive latency of every delivered event. Only the `"t":` stamp is read from
 * each frame (the same cheap scan for every server), so the generator spends as little as it can.
 */

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { SignJWT } from 'jose';

const [mode, portText, countText, secret] = process.argv.slice(2);
const ports = portText.split(',').map(Number);
const count = Number(countText);
const clock = () => performance.timeOrigin + performance.now();
const send = (msg) => process.send?.(msg);

const CAPACITY = 2_000_000;
const latencies = new Float64Array(CAPACITY);
/** Which of `ports` each latency was received from (a cluster's nodes are told apart in the report). */
const nodeOf = new Uint8Array(CAPACITY);
let received = 0;
let recording = false;
/** CPU and wall clock at `begin`: the generator's own load over a step, to show when it, not the server, is the limit. */
let cpuAtBegin = process.cpuUsage();
let wallAtBegin = 0;
const T = Buffer.from('"t":');

const record = (t, node) => {
  if (!recording || Number.isNaN(t)) return;
  if (received < CAPACITY) {
    latencies[received] = clock() - t;
    nodeOf[received] = node;
  }
  received++;
};

const clients = [];
let closedEarly = 0;

/**
 * One read buffer for every client. With `onread`, Node reads a socket straight into it and calls
 * back synchronously, one socket at a time, without the stream machinery (a Buffer and a 'data'
 * event per read); whatever is kept past the callback is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const EMPTY = Buffer.alloc(0);

/** Where to keep the tail of `buf` from so that a `"t":` cut by the read boundary is found next time. */
function tailFrom(buf, from) {
  outer: for (let k = Math.max(from, buf.length - (T.length - 1)); k < buf.length; k++) {
    for (let i = k; i < buf.length; i++) if (buf[i] !== T[i - k]) continue outer;
    return k;
  }
  return buf.length;
}

/**
 * A minimal WebSocket client on a raw TCP socket: the HTTP upgrade, masked text frames out, and
 * for the frames in only a scan of the byte stream for `"t":` stamps (every event carries one),
 * with no per-frame parsing, allocation or event. A library client (ws, socket.io-client) costs
 * tens of microseconds per message, and 1,000 clients × 100 events/s would then measure the
 * generator rather than the server. The servers are configured not to ping during the run.
 */
function rawSocket(port, path, { onOpen, onText }) {
  const node = Math.max(0, ports.indexOf(port));
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    let upgraded = false;
    let head = EMPTY;
    let carry = EMPTY;
    const onData = (chunk) => {
      if (!upgraded) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!head.subarray(0, 12).toString().includes('101')) {
          reject(new Error(`upgrade refused: ${head.subarray(0, 40).toString()}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        chunk = head.subarray(end + 4);
        onOpen(api, resolve);
        if (!chunk.length) return;
      }
      if (!api.live) {
        onText(api, chunk, resolve);
        return;
      }
      if (!recording) return;
      // Stamps may straddle two reads: scan what was kept of the last read together with this one.
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let at = buf.indexOf(T);
      let last = 0;
      while (at >= 0) {
        let end = at + 4;
        while (end < buf.length) {
          const c = buf[end];
          if ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 101 || c === 43) end++;
          else break;
        }
        if (end === buf.length) break; // the number may go on in the next read
        record(Number(buf.toString('latin1', at + 4, end)), node);
        last = end;
        at = buf.indexOf(T, end);
      }
      const keepFrom = at >= 0 ? at : tailFrom(buf, last);
      carry = keepFrom < buf.length ? Buffer.from(buf.subarray(keepFrom)) : EMPTY;
    };
    const socket = connect({
      host: '127.0.0.1',
      port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n, buf) => onData(buf.subarray(0, n)) },
    });
    const api = {
      socket,
      live: false,
      sendText(text) {
        const payload = Buffer.from(text);
        const mask = randomBytes(4);
        const len = payload.length;
        const header =
          len < 126 ? Buffer.from([0x81, 0x80 | len]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255]);
        for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        socket.write(Buffer.concat([header, mask, payload]));
      },
      terminate() {
        socket.destroy();
      },
    };
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (api.live) closedEarly++;
      else reject(new Error('closed before it was live'));
    });
  });
}

async function openHubClient(i, port) {
  const signed = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`bench-${i}`)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
  let seen = '';
  return rawSocket(port, '/v1/ws', {
    onOpen: (api) => api.sendText(JSON.stringify({ type: 'auth', token: signed, protocol: 1 })),
    onText: (api, chunk, resolve) => {
      // Live once the snapshot is in (it follows the welcome); the tail of it is all that matters.
      seen = (seen + chunk.toString('latin1')).slice(-200_000);
      if (seen.includes('{"type":"snapshot"')) {
        api.live = true;
        seen = '';
        resolve(api);
      }
    },
  });
}

function openWsClient(_i, port) {
  return rawSocket(port, '/', {
    onOpen: (api, resolve) => {
      api.live = true;
      resolve(api);
    },
    onText: () => {},
  });
}

/** Socket.IO: Engine.IO v4 over the websocket transport: open packet `0{…}`, namespace connect `40`. */
function openSocketIoClient(_i, port) {
  let seen = '';
  let asked = false;
  return rawSocket(port, '/socket.io/?EIO=4&transport=websocket', {
    onOpen: () => {},
    onText: (api, chunk, resolve) => {
      seen += chunk.toString('latin1');
      if (!asked && seen.includes('0{"sid"')) {
        asked = true;
        seen = '';
        api.sendText('40');
      } else if (asked && seen.includes('40{')) {
        api.live = true;
        resolve(api);
      }
    },
  });
}

const open = mode === 'hub' || mode === 'hub-pg' ? openHubClient : mode === 'ws' ? openWsClient : openSocketIoClient;

async function connectAll() {
  const t0 = clock();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        clients.push(await open(i, ports[i % ports.length]));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return { connected: clients.length, failed, ms: clock() - t0 };
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

process.on('message', async (msg) => {
  if (msg.cmd === 'connect') send({ type: 'connected', ...(await connectAll()) });
  else if (msg.cmd === 'begin') {
    received = 0;
    recording = true;
    cpuAtBegin = process.cpuUsage();
    wallAtBegin = clock();
    send({ type: 'begun' });
  } else if (msg.cmd === 'received') send({ type: 'received', received });
  else if (msg.cmd === 'end') {
    recording = false;
    const cpu = process.cpuUsage(cpuAtBegin);
    const cpuPct = ((cpu.user + cpu.system) / 1000 / (clock() - wallAtBegin)) * 100;
    const n = Math.min(received, CAPACITY);
    const sorted = latencies.slice(0, n).sort();
    // p99 of the clients of each port, when there are several (the nodes of a cluster).
    const p99ByNode =
      ports.length > 1
        ? ports.map((_, k) =>
            percentile(
              latencies
                .slice(0, n)
                .filter((_, i) => nodeOf[i] === k)
                .sort(),
              99,
            ),
          )
        : undefined;
    send({
      type: 'ended',
      received,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      p99ByNode,
      max: n ? sorted[n - 1] : NaN,
      closedEarly,
      cpuPct,
    });
  } else if (msg.cmd === 'stop') {
    for (const c of clients) c.terminate();
    send({ type: 'stopped' });
    setTimeout(() => process.exit(0), 100);
  }
});
send({ type: 'ready' });
