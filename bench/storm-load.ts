/**
 * Reconnect storm load: N RealtimeConnections from src/core (with `ws` as WebSocket), each
 * checking that the seqs it applies are contiguous (every client sees every event here). Counts
 * every connection attempt (each WebSocket constructed) with its time.
 */

import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { RealtimeConnection } from '../src/core/connection.js';

const [portText, countText, secret] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
const clock = () => performance.timeOrigin + performance.now();
const send = (msg: unknown) => process.send?.(msg);

const attempts: number[] = [];
/** Closes the clients saw since `mark`, by close code and reason (why attempts failed, if any did). */
const closes = new Map<string, number>();
class CountingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    attempts.push(clock());
    super(url, protocols, { perMessageDeflate: false });
  }
}

interface Tracked {
  conn: RealtimeConnection;
  last: number;
  gaps: number;
  duplicates: number;
  connected: boolean;
}
const clients: Tracked[] = [];

async function connectAll(): Promise<{ connected: number; ms: number }> {
  const t0 = clock();
  const key = new TextEncoder().encode(secret);
  for (let i = 0; i < count; i++) {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`storm-${i}`)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(key);
    const conn = new RealtimeConnection({
      url: `ws://127.0.0.1:${portText}/v1/ws`,
      token,
      WebSocket: CountingWebSocket as never,
      window: null,
    });
    const c: Tracked = { conn, last: 0, gaps: 0, duplicates: 0, connected: false };
    conn.onState((s) => {
      c.connected = s.status === 'connected';
    });
    conn.onError((e) => {
      if (e.kind !== 'close') return;
      const key = `${e.code} ${e.message}`;
      closes.set(key, (closes.get(key) ?? 0) + 1);
    });
    conn.onMessage((m) => {
      if (m.type === 'snapshot') c.last = m.seq;
      else if (m.type === 'event') {
        const seq = m.event.seq;
        if (seq <= c.last) c.duplicates++;
        else if (c.last > 0 && seq !== c.last + 1) c.gaps++;
        c.last = Math.max(c.last, seq);
      }
    });
    clients.push(c);
    conn.connect();
    // Spread the initial connects a little (50 per 10 ms) so setup is not itself a storm.
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 10));
  }
  const deadline = clock() + 60_000;
  while (clients.some((c) => !c.connected || c.last === 0) && clock() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  return { connected: clients.filter((c) => c.connected).length, ms: clock() - t0 };
}

/** Waits until every client is connected and has applied `latestSeq`; reports the time it happened. */
async function waitResumed(latestSeq: number, timeoutMs: number) {
  const deadline = clock() + timeoutMs;
  let doneAt = 0;
  while (clock() < deadline) {
    if (clients.every((c) => c.connected && c.last >= latestSeq)) {
      doneAt = clock();
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    doneAt,
    resumed: clients.filter((c) => c.connected && c.last >= latestSeq).length,
    gaps: clients.reduce((s, c) => s + c.gaps, 0),
    duplicates: clients.reduce((s, c) => s + c.duplicates, 0),
    clientsWithGaps: clients.filter((c) => c.gaps > 0).length,
  };
}

process.on('message', async (msg: { cmd: string; [k: string]: unknown }) => {
  try {
    if (msg.cmd === 'connect') send({ type: 'connected', ...(await connectAll()) });
    else if (msg.cmd === 'mark') {
      attempts.length = 0;
      closes.clear();
      for (const c of clients) c.gaps = c.duplicates = 0;
      send({ type: 'marked' });
    } else if (msg.cmd === 'wait') {
      const r = await waitResumed(msg.latestSeq as number, msg.timeoutMs as number);
      send({ type: 'resumed', ...r, attempts: [...attempts], closes: Object.fromEntries(closes) });
    } else if (msg.cmd === 'stop') {
      for (const c of clients) c.conn.close();
      send({ type: 'stopped' });
      setTimeout(() => process.exit(0), 200);
    }
  } catch (err) {
    send({ type: 'error', message: String((err as Error)?.stack ?? err) });
  }
});
send({ type: 'ready' });
