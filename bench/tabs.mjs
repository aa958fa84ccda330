/**
 * One socket per browser (issue 18): the hub's sockets, the bytes it writes and the pages' JS heap
 * for 1 tab, 10 tabs sharing one socket, and 10 tabs with a socket each (`isolated`, as before),
 * in one Chromium context (tabs of one origin) against a real hub on 127.0.0.1. Bytes are what
 * the hub wrote on its WebSocket connections from the first tab opening to the last event seen
 * in every tab: snapshots and the same stream of notifications. Budget: 10 sharing tabs cost the
 * hub at most 1.2× the sockets and bytes of 1 tab.
 */
import { heapAfterGc, launch, withHub } from './client.mjs';
import { mixedEvent } from './events.mjs';
import { reported } from './report.mjs';

const TABS = 10;
const EVENTS = 500;
const BUDGET = 1.2;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const live = () => {
  const s = document.getElementById('provider')?.store?.getState();
  return s && !s.loading && s.connection.status === 'connected'
    ? (document.getElementById('provider')?.client?.connection?.lastSeq ?? 0)
    : 0;
};

/** Opens `count` tabs, streams EVENTS events, and measures; `isolated`: a socket per tab. */
async function scenario({ root, cdnDir, browser, count, isolated, log }) {
  return withHub(root, cdnDir, async ({ hub, origin, server }) => {
    const sockets = new Set();
    const onUpgrade = (_req, socket) => sockets.add(socket);
    server.on('upgrade', onUpgrade);
    const written = () => [...sockets].reduce((sum, s) => sum + s.bytesWritten, 0);
    await hub.publish(mixedEvent(0)); // a stream with a head, so a snapshot has a seq
    const context = await browser.newContext();
    try {
      const pages = [];
      for (let i = 0; i < count; i++) {
        const page = await context.newPage();
        page.on('pageerror', (e) => log(`  [tabs page error] ${e.message}`));
        await page.goto(`${origin}/bench/tabs.html${isolated ? '?isolated' : ''}`);
        pages.push(page);
      }
      const until = async (check, what, ms = 20_000) => {
        const t0 = Date.now();
        while (!(await check())) {
          if (Date.now() - t0 > ms) throw new Error(`tabs bench: ${what} did not happen in ${ms} ms`);
          await sleep(20);
        }
      };
      await until(async () => (await Promise.all(pages.map((p) => p.evaluate(live)))).every(Boolean), 'every tab live');
      for (let i = 1; i <= EVENTS; i += 50) await hub.publish(Array.from({ length: 50 }, (_, k) => mixedEvent(i + k)));
      const head = await hub.backend.latestSeq();
      await until(
        async () => (await Promise.all(pages.map((p) => p.evaluate(live)))).every((seq) => seq >= head),
        'every event in every tab',
      );
      const bytes = written();
      let heap = 0;
      for (const page of pages) {
        const cdp = await context.newCDPSession(page);
        heap += await heapAfterGc(cdp);
        await cdp.detach();
      }
      return { tabs: count, isolated, sockets: hub.connections(), bytes, heap };
    } finally {
      server.off('upgrade', onUpgrade);
      await context.close();
    }
  });
}

export async function runTabs({ root, cdnDir, log = console.log }) {
  const browser = await launch();
  try {
    const one = await scenario({ root, cdnDir, browser, count: 1, isolated: false, log });
    log(`  1 tab: ${one.sockets} socket, ${one.bytes} B written, heap ${one.heap} B`);
    const shared = await scenario({ root, cdnDir, browser, count: TABS, isolated: false, log });
    log(`  ${TABS} sharing tabs: ${shared.sockets} socket(s), ${shared.bytes} B, heap ${shared.heap} B`);
    const isolated = await scenario({ root, cdnDir, browser, count: TABS, isolated: true, log });
    log(`  ${TABS} isolated tabs: ${isolated.sockets} sockets, ${isolated.bytes} B, heap ${isolated.heap} B`);
    const ratio = (a, b) => Number((a / b).toFixed(2));
    return {
      method: `${EVENTS} mixed events to 1 tab, ${TABS} tabs sharing one socket and ${TABS} isolated tabs of one Chromium context; bytes the hub wrote on its WebSocket connections from the first tab to the last event in every tab; JS heap after GC summed over the tabs`,
      rows: [one, shared, isolated],
      checks: [
        {
          name: `hub sockets, ${TABS} sharing tabs against 1 tab`,
          value: ratio(shared.sockets, one.sockets),
          budget: BUDGET,
          unit: '×',
          holds: shared.sockets <= BUDGET * one.sockets,
        },
        {
          name: `bytes the hub sends, ${TABS} sharing tabs against 1 tab`,
          value: ratio(shared.bytes, one.bytes),
          budget: BUDGET,
          unit: '×',
          holds: shared.bytes <= BUDGET * one.bytes,
        },
        reported(
          `pages' JS heap, ${TABS} sharing tabs against ${TABS} isolated tabs`,
          ratio(shared.heap, isolated.heap),
        ),
      ],
    };
  } finally {
    await browser.close();
  }
}
