/**
 * Publish-to-render latency on each rung of the transport ladder (issue 18): one tab with
 * `transport="websocket"`, `"sse"` and `"polling"` in turn, against a real hub on 127.0.0.1, while
 * notifications are published at 20 events/s. Latency runs from just before `hub.publish` (Node)
 * to the moment the notification's row is in the `<admin-notification-center>`'s shadow DOM (a
 * MutationObserver in the page); both sides read the same machine clock. Reported, no budget.
 */
import { launch, withHub } from './client.mjs';
import { reported } from './report.mjs';

const RUNGS = ['websocket', 'sse', 'polling'];
const RATE = 20;
const EVENTS = 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * In the page: records when each notification reaches the page (the provider's
 * `realtime-notification`) and when its row first appears in the centre's shadow DOM (epoch ms).
 */
function watchRows() {
  const center = document.querySelector('admin-notification-center');
  const seen = {};
  const arrived = {};
  window.__rows = seen;
  window.__arrived = arrived;
  document.getElementById('provider').addEventListener('realtime-notification', (e) => {
    arrived[e.detail.id] ??= performance.timeOrigin + performance.now();
  });
  const scan = () => {
    const at = performance.timeOrigin + performance.now();
    for (const row of center.shadowRoot.querySelectorAll('[data-id]')) {
      const id = row.getAttribute('data-id');
      if (!(id in seen)) seen[id] = at;
    }
  };
  new MutationObserver(scan).observe(center.shadowRoot, { childList: true, subtree: true, attributes: true });
  scan();
}

const connectedOver = () => {
  const s = document.getElementById('provider')?.store?.getState();
  return s && !s.loading && s.connection.status === 'connected' ? s.connection.transport : null;
};

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function rung({ root, cdnDir, browser, transport, log }) {
  return withHub(root, cdnDir, async ({ hub, origin }) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`  [transports page error] ${e.message}`));
      await page.goto(`${origin}/bench/tabs.html?isolated&transport=${transport}`);
      const t0 = Date.now();
      let over = await page.evaluate(connectedOver);
      while (!over) {
        if (Date.now() - t0 > 20_000) throw new Error(`transports bench: ${transport} did not connect in 20 s`);
        await sleep(20);
        over = await page.evaluate(connectedOver);
      }
      if (over !== transport) throw new Error(`transports bench: asked for ${transport}, connected over ${over}`);
      await page.evaluate(watchRows);
      const sentAt = new Map();
      const start = Date.now();
      for (let i = 0; i < EVENTS; i++) {
        // On schedule (not after the previous publish), so a slow publish does not lower the rate.
        const due = start + (i * 1000) / RATE;
        if (due > Date.now()) await sleep(due - Date.now());
        const at = Date.now();
        const { accepted } = await hub.publish({
          kind: 'notification',
          title: `Latency probe ${i}`,
          message: `Rung ${transport}`,
          category: 'system',
          priority: 'medium',
        });
        for (const a of accepted) sentAt.set(a.id, at);
      }
      const ids = [...sentAt.keys()];
      let rows = {};
      const waitFrom = Date.now();
      while (ids.some((id) => !(id in rows))) {
        if (Date.now() - waitFrom > 20_000) break;
        await sleep(50);
        rows = await page.evaluate(() => window.__rows);
      }
      const arrived = await page.evaluate(() => window.__arrived);
      const since = (at) =>
        ids
          .filter((id) => id in at)
          .map((id) => at[id] - sentAt.get(id))
          .sort((a, b) => a - b);
      const latencies = since(rows);
      const delivery = since(arrived);
      const ms = (sorted, p) => Number(percentile(sorted, p).toFixed(1));
      const row = {
        transport,
        events: EVENTS,
        rendered: latencies.length,
        p50: ms(latencies, 50),
        p99: ms(latencies, 99),
        max: ms(latencies, 100),
        deliveryP50: ms(delivery, 50),
        deliveryP99: ms(delivery, 99),
      };
      log(
        `  ${transport}: ${row.rendered}/${EVENTS} rendered, publish-to-render p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms; publish-to-page p50 ${row.deliveryP50} ms, p99 ${row.deliveryP99} ms`,
      );
      return row;
    } finally {
      await context.close();
    }
  });
}

export async function runTransports({ root, cdnDir, log = console.log }) {
  const browser = await launch();
  try {
    const rows = [];
    for (const transport of RUNGS) rows.push(await rung({ root, cdnDir, browser, transport, log }));
    const ws = rows[0];
    return {
      method: `${EVENTS} notifications published at ${RATE} events/s (hub.publish in the hub's process) to one tab with transport="websocket", "sse" and "polling" in turn (a fresh hub each); latency from just before the publish to the notification's row appearing in <admin-notification-center>'s shadow DOM (MutationObserver), on one machine clock. Under a steady stream the centre takes in arrivals at most every 250 ms by design (its arrival pacer), which is most of the render latency on every rung; publish-to-page (the provider's realtime-notification) is the transport's own part`,
      rows,
      checks: rows
        .slice(1)
        .map((r) =>
          reported(
            `publish-to-render p99 over ${r.transport} beside WebSocket (${r.p99} ms against ${ws.p99} ms; p50 ${r.p50} against ${ws.p50} ms)`,
            Number((r.p99 / ws.p99).toFixed(2)),
          ),
        ),
    };
  } finally {
    await browser.close();
  }
}
