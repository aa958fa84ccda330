/**
 * Client ingestion and render, and charts, in Chromium against a real hub on 127.0.0.1 (mounted
 * on this process's HTTP server, which also serves the pages and a fresh CDN build).
 * Main-thread time is CDP Performance.getMetrics TaskDuration; heap is Runtime.getHeapUsage after
 * HeapProfiler.collectGarbage; renders count calls of Lit's ReactiveElement.update per tag.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { SignJWT } from 'jose';
import { chromium } from 'playwright-core';
import { browserArgs, findBrowser } from '../scripts/find-browser.mjs';
import { createHub } from '../src/hub/hub.ts';
import { mixedEvent } from './events.mjs';

const SECRET = 'bench-secret-bench-secret-bench-secret';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

/** Serves /bench/* (pages, templated with the hub URL and a token) and /cdn/* (the bench's CDN build). */
async function startSite(root, cdnDir) {
  const token = await new SignJWT({ role: 'admin', name: 'Bench Admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-admin')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let file = null;
    if (path.startsWith('/cdn/')) file = join(cdnDir, path.slice(5));
    else if (path.startsWith('/bench/')) file = join(root, 'bench', 'pages', path.slice(7));
    if (!file || file.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    let body = readFileSync(file);
    if (file.endsWith('.html')) {
      body = body
        .toString()
        .replaceAll('__WS_URL__', `ws://127.0.0.1:${server.address().port}/v1/ws`)
        .replaceAll('__TOKEN__', token);
    }
    res
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      })
      .end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export async function withHub(root, cdnDir, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'admin-realtime-bench-client-'));
  const { server, origin } = await startSite(root, cdnDir);
  const hub = await createHub({
    server,
    db: join(dir, 'hub.db'),
    auth: { jwtSecret: SECRET },
    publishKey: 'bench',
    allowedOrigins: [origin],
    // The page takes 200,000 events as fast as it can; flow control below keeps at most a window in
    // flight, and the slow-consumer bound is raised so a GC pause in the page does not cut it.
    maxBufferedBytes: 64 * MB,
    // A long phase must not retire the replay log under the page.
    retention: { replayCount: 1_000_000 },
    log: 'warn',
  });
  try {
    return await fn({ hub, origin, server });
  } finally {
    await hub.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function launch() {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error('no Chromium found (see scripts/find-browser.mjs)');
  return chromium.launch({
    executablePath,
    args: [...browserArgs(), '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
}

async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}
export async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** Self time by function (name, file, line) of a CDP profile, as shares of the sampled time. */
function topFunctions(profile, count) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const f = byId.get(id).callFrame;
    if (f.functionName === '(idle)') return;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, t]) => ({ fn, pct: Number(((t / total) * 100).toFixed(1)) }));
}

/**
 * Drives one page through the phases. `seqOf` reads the page's last applied seq; `phaseC` is the
 * number of events of phase C (0 for the naive page, which runs A and B only).
 */
async function ingest({
  hub,
  page,
  cdp,
  seqOf,
  phaseC,
  log,
  label,
  profileTop = 0,
  catchUpMs = 45_000,
  phaseAMs = 90_000,
  phaseCMs = 90_000,
}) {
  let index = 0;
  const publishBatch = (n) => {
    // The hub takes at most 500 events per publish.
    for (let done = 0; done < n; done += 500) {
      const batch = [];
      for (let i = 0; i < Math.min(500, n - done); i++) batch.push(mixedEvent(index++));
      void hub.publish(batch);
    }
  };
  const waitApplied = async (timeoutMs) => {
    const target = await hub.backend.latestSeq();
    const t0 = Date.now();
    while ((await seqOf()) < target) {
      if (Date.now() - t0 > timeoutMs) return false;
      await sleep(20);
    }
    // Let the rAF-batched render of the last events happen.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return true;
  };
  /** As fast as the page takes them: at most `window` events published and not yet applied. */
  const flood = async (count, window = 5000, batch = 500, timeoutMs = 240_000) => {
    const t0 = Date.now();
    let sent = 0;
    while (sent < count) {
      if (Date.now() - t0 > timeoutMs) break;
      const seq = await seqOf();
      const inFlight = (await hub.backend.latestSeq()) - seq;
      if (inFlight < window) {
        const n = Math.min(batch, count - sent);
        publishBatch(n);
        sent += n;
        await new Promise((r) => setImmediate(r));
      } else await sleep(5);
    }
    const applied = await waitApplied(Math.max(5000, timeoutMs - (Date.now() - t0)));
    return { sent, applied, ms: Date.now() - t0 };
  };
  let seqAtBegin = 0;
  const begin = async (phase) => {
    seqAtBegin = await seqOf();
    await page.evaluate((p) => {
      window.__bench.phase = p;
      window.__bench.resetRenders();
      if (window.__naive) window.__naive.renders = 0;
    }, phase);
    return metrics(cdp);
  };
  /** Figures are per event the page applied in the phase (all of them, unless a time bound cut the phase short). */
  const end = async (phase, m0, published, extra = {}) => {
    const m1 = await metrics(cdp);
    const events = (await seqOf()) - seqAtBegin;
    const { renders, longTasks, naiveRenders } = await page.evaluate(
      (p) => ({
        renders: window.__bench.renders,
        naiveRenders: window.__naive?.renders,
        longTasks: window.__bench.longTasks.filter((t) => t.phase === p).map((t) => t.duration),
      }),
      phase,
    );
    const taskMs = (m1.TaskDuration - m0.TaskDuration) * 1000;
    const totalRenders = naiveRenders ?? Object.values(renders).reduce((a, b) => a + b, 0);
    const row = {
      phase,
      published,
      events,
      mainThreadMsPer1000: Number(((taskMs / events) * 1000).toFixed(1)),
      scriptMsPer1000: Number(((((m1.ScriptDuration - m0.ScriptDuration) * 1000) / events) * 1000).toFixed(1)),
      layoutStyleMsPer1000: Number(
        (
          (((m1.LayoutDuration + m1.RecalcStyleDuration - m0.LayoutDuration - m0.RecalcStyleDuration) * 1000) /
            events) *
          1000
        ).toFixed(1),
      ),
      renders: naiveRenders !== undefined ? { 'naive-list': naiveRenders } : renders,
      totalRenders,
      rendersPer1000: Number(((totalRenders / events) * 1000).toFixed(1)),
      longTasks: longTasks.length,
      longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
      ...extra,
    };
    log(
      `client ${label} ${phase}: ${row.mainThreadMsPer1000} ms main thread / 1000 events, ${row.rendersPer1000} renders / 1000, ${row.longTasks} long tasks (max ${row.longestTaskMs.toFixed(0)} ms)`,
    );
    return row;
  };

  const rows = [];
  // P: 3,000 events under the CDP sampling profiler (not counted): where the main thread goes.
  let profile = null;
  if (profileTop) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await flood(1500);
    profile = topFunctions((await cdp.send('Profiler.stop')).profile, profileTop);
    await cdp.send('Profiler.disable');
  }
  // A: 10,000 as fast as they come.
  let m0 = await begin('A');
  const a = await flood(10_000, 5000, 500, phaseAMs);
  rows.push(await end('A', m0, a.sent, { applied: a.applied, wallMs: a.ms }));
  const heapA = await heapAfterGc(cdp);

  // B: 2,000/s for 10 s, on schedule (100 every 50 ms, catching up when late).
  m0 = await begin('B');
  const t0 = performance.now();
  let sentB = 0;
  while (sentB < 20_000) {
    const due = Math.min(20_000, Math.floor(((performance.now() - t0) / 1000) * 2000));
    if (due > sentB) {
      publishBatch(due - sentB);
      sentB = due;
    }
    await sleep(50 - ((performance.now() - t0) % 50));
  }
  const appliedB = await waitApplied(catchUpMs);
  rows.push(await end('B', m0, sentB, { applied: appliedB, wallMs: Math.round(performance.now() - t0) }));

  // C: 200,000 more as fast as the page takes them, within a time bound (the events it got are reported).
  if (!phaseC) return { rows, heapAfter10k: heapA, heapAfterC: null, ...(profile ? { profile } : {}) };
  m0 = await begin('C');
  const c = await flood(phaseC, 5000, 500, phaseCMs);
  rows.push(await end('C', m0, c.sent, { applied: c.applied, wallMs: c.ms }));
  const heapC = await heapAfterGc(cdp);
  return { rows, heapAfter10k: heapA, heapAfterC: heapC, ...(profile ? { profile } : {}) };
}

export async function runClient({ root, cdnDir, log = console.log, phaseC = 200_000 }) {
  const browser = await launch();
  try {
    const run = async (pageName, label, seqExpr, phaseC) =>
      withHub(root, cdnDir, async ({ hub, origin }) => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
        page.on('pageerror', (e) => log(`  [${label} page error] ${e.message}`));
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        await page.goto(`${origin}/bench/${pageName}`);
        const seqOf = () => page.evaluate(seqExpr);
        const t0 = Date.now();
        while (!(await seqOf()) && Date.now() - t0 < 15_000) {
          // The first snapshot sets the seq; an empty hub has seq 0, so publish one event to start.
          if ((await hub.backend.latestSeq()) === 0) await hub.publish(mixedEvent(0));
          await sleep(50);
        }
        if (!(await seqOf())) throw new Error(`${label}: page never connected`);
        const result = await ingest({
          hub,
          page,
          cdp,
          seqOf,
          phaseC,
          log,
          label,
          profileTop: label === 'elements' ? 15 : 0,
        });
        await page.close();
        return result;
      });
    const ours = await run(
      'client.html',
      'elements',
      () => document.getElementById('provider')?.client?.connection?.lastSeq ?? 0,
      phaseC,
    );
    const naive = await run('naive.html', 'naive', () => window.__naive?.lastSeq ?? 0, 0);

    const per = (r, phase) => r.rows.find((x) => x.phase === phase);
    // Like for like: the naive page renders one list per event; each element renders at most once
    // a frame. Compared over the phases both pages ran (A and B), per event.
    const shared = (r) => r.rows.filter((x) => x.phase !== 'C');
    const eventsOf = (r) => shared(r).reduce((s, x) => s + x.events, 0);
    const naiveRenders = shared(naive).reduce((s, r) => s + r.totalRenders, 0) / eventsOf(naive);
    const byTag = {};
    for (const r of shared(ours))
      for (const [tag, count] of Object.entries(r.renders)) byTag[tag] = (byTag[tag] ?? 0) + count;
    const [busiestTag, busiestCount] = Object.entries(byTag).sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
    const ratio = naiveRenders / (busiestCount / eventsOf(ours));
    const totalRatio = naiveRenders / (shared(ours).reduce((s, r) => s + r.totalRenders, 0) / eventsOf(ours));
    const b = per(ours, 'B');
    const heapDelta = ours.heapAfterC - ours.heapAfter10k;
    const c = per(ours, 'C');
    const checks = [
      {
        name: `≥ 10× fewer renders than the naive client (busiest element, <${busiestTag}>, vs the naive list, per event)`,
        value: Number(ratio.toFixed(1)),
        budget: 10,
        unit: '×',
        holds: ratio >= 10,
      },
      {
        name: '≥ 10× fewer renders than the naive client, counting every element of the page together (stricter reading)',
        value: Number(totalRatio.toFixed(1)),
        budget: 10,
        unit: '×',
        holds: totalRatio >= 10,
      },
      {
        name: 'no long task over 50 ms at 2,000 events/s',
        value: b.longTasks ? Number(b.longestTaskMs.toFixed(0)) : 0,
        budget: 50,
        unit: 'ms',
        holds: b.longTasks === 0,
      },
      {
        name: `heap after the 200,000 within 5 MB of heap after the first 10,000${c && c.events < phaseC ? ` (only ${c.events.toLocaleString('en')} of ${phaseC.toLocaleString('en')} arrived within the time bound)` : ''}`,
        value: Number((heapDelta / MB).toFixed(2)),
        budget: 5,
        unit: 'MB',
        holds: Math.abs(heapDelta) <= 5 * MB && Boolean(c) && c.events >= phaseC,
      },
    ];
    return {
      ours: {
        ...ours,
        heapAfter10kMB: Number((ours.heapAfter10k / MB).toFixed(2)),
        heapAfterCMB: Number((ours.heapAfterC / MB).toFixed(2)),
      },
      naive: { ...naive, heapAfter10kMB: Number((naive.heapAfter10k / MB).toFixed(2)) },
      renderRatio: Number(ratio.toFixed(1)),
      renderRatioAllElements: Number(totalRatio.toFixed(1)),
      checks,
      notes: [
        'the naive page runs phases A and B only (its renders are one per event by construction); phase A is bounded to 90 s, the catch-up after phase B to 45 s and phase C to 90 s, so that the whole bench stays under 15 min; every figure is per event the page actually applied in the phase',
        'bench hub: maxBufferedBytes 64 MiB (default 1 MiB) and at most 5,000 events in flight to the page in phases A and C',
        'the bench publishes 500 events per hub.publish in phases A and C and 100 every 50 ms in B; both pages speak protocol 2, so each publish reaches them as one frame (the naive page still renders once per event)',
      ],
    };
  } finally {
    await browser.close();
  }
}

/** <realtime-metrics> with 5 series × 3,600 points, one update a second: setData in place vs a new uPlot per update. */
export async function runCharts({ root, cdnDir, log = console.log, updates = 15 }) {
  const chunk = readdirSync(join(cdnDir, 'chunks')).find((f) => /^uPlot\.esm.*\.js$/.test(f));
  const browser = await launch();
  try {
    return await withHub(root, cdnDir, async ({ hub, origin }) => {
      // Backfill: one metrics event a second for the last hour.
      const nowS = Math.floor(Date.now() / 1000);
      const history = [];
      for (let s = 3599; s >= 0; s--) {
        const i = 3600 - s;
        history.push({
          kind: 'metrics',
          at: new Date((nowS - s) * 1000).toISOString(),
          values: {
            activeUsers: 100 + (i % 40),
            activeCalls: 20 + (i % 15),
            systemLoad: (i % 100) / 100,
            responseTimeMs: 80 + (i % 60),
            errorRate: (i % 7) / 100,
          },
        });
      }
      for (let k = 0; k < history.length; k += 500) await hub.publish(history.slice(k, k + 500));
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      page.on('pageerror', (e) => log(`  [charts page error] ${e.message}`));
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      await page.goto(`${origin}/bench/charts.html`);
      await page
        .waitForFunction(() => window.__bench.chartsReady?.(), null, { timeout: 30_000 })
        .catch(async (err) => {
          const seen = await page.evaluate(() =>
            ['activeUsers', 'activeCalls', 'systemLoad', 'responseTimeMs', 'errorRate']
              .map((n) => `${n}: ${document.getElementById('metrics').getChart(n)?.data?.[0]?.length ?? 'no chart'}`)
              .join(', '),
          );
          throw new Error(`charts never held the history (${seen}): ${err.message.split('\n')[0]}`);
        });
      const points = await page.evaluate(
        () => document.getElementById('metrics').getChart('activeUsers').data[0].length,
      );
      await page.evaluate(() => window.__bench.instrument());
      const m0 = await metrics(cdp);
      for (let u = 0; u < updates; u++) {
        const i = 4000 + u;
        void hub.publish({
          kind: 'metrics',
          at: new Date().toISOString(),
          values: {
            activeUsers: 100 + (i % 40),
            activeCalls: 20 + (i % 15),
            systemLoad: (i % 100) / 100,
            responseTimeMs: 80 + (i % 60),
            errorRate: (i % 7) / 100,
          },
        });
        await sleep(1000);
      }
      const m1 = await metrics(cdp);
      const inPlace = await page.evaluate(() => window.__bench.chartUpdates);
      const rebuilt = await page.evaluate(
        ([url, n]) => window.__bench.rebuild(url, n),
        [`/cdn/chunks/${chunk}`, updates],
      );
      await page.close();
      const median = (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        return s.length ? s[Math.floor(s.length / 2)] : NaN;
      };
      const inPlaceMs = median(inPlace.map((u) => u.ms));
      const rebuiltMs = median(rebuilt);
      const result = {
        series: 5,
        points,
        updates: inPlace.length,
        inPlaceMedianMs: Number(inPlaceMs.toFixed(2)),
        inPlaceMaxMs: Number(Math.max(...inPlace.map((u) => u.ms)).toFixed(2)),
        rebuiltMedianMs: Number(rebuiltMs.toFixed(2)),
        rebuiltMaxMs: Number(Math.max(...rebuilt).toFixed(2)),
        speedup: Number((rebuiltMs / inPlaceMs).toFixed(1)),
        pageMainThreadMsPerUpdate: Number((((m1.TaskDuration - m0.TaskDuration) * 1000) / updates).toFixed(1)),
      };
      log(
        `charts: in place ${result.inPlaceMedianMs} ms/update (5 × ${points}), rebuilt ${result.rebuiltMedianMs} ms → ${result.speedup}×; whole page ${result.pageMainThreadMsPerUpdate} ms main thread per update`,
      );
      return {
        ...result,
        checks: [
          {
            name: 'chart update in place faster than a rebuild from scratch',
            value: result.speedup,
            budget: 1,
            unit: '×',
            holds: result.speedup > 1 && inPlace.length >= updates - 1,
          },
        ],
      };
    });
  } finally {
    await browser.close();
  }
}
