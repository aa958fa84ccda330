/**
 * Hostile content, rendered by every element (`ELEMENT_TAGS`) in Chromium. A corpus of
 * script-injection payloads goes into every text field of every event kind:
 *
 * - through a real hub (validated, masked, stored, fanned out) to a `<realtime-provider>` page
 *   that renders every element (the bell's panel open, the center on "All");
 * - and, for fields the hub refuses to carry hostile values in (categories, types, component and
 *   metric names, non-http links), straight into a store as a compromised or older hub would
 *   send them, so the elements' own defences (text rendering, link scheme check) are tested too.
 *
 * Each payload that runs would set `window.__pwned`. The page is checked after a control image
 * with an `onerror` handler (inserted by the test itself, after the payloads) has fired, so
 * error handlers of any injected image would have run too. Then every shadow root is walked: no
 * forbidden element, no `on*` attribute, no link or source whose scheme is not http(s).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/connection-status/index.js';
import '../../src/components/critical-alerts/index.js';
import '../../src/components/live-activity/index.js';
import '../../src/components/notification-bell/index.js';
import '../../src/components/notification-preferences/index.js';
import '../../src/components/realtime-dashboard/index.js';
import '../../src/components/realtime-metrics/index.js';
import '../../src/components/realtime-provider/index.js';
import '../../src/components/system-status/index.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { ELEMENT_TAGS } from '../../src/components/tags.js';
import { createStore } from '../../src/core/store.js';
import { MemoryTransport } from '../support/memory-transport.js';
import { hubToken, isLive, publish, useHub } from './widget-hub.js';

/** Every tag (`ELEMENT_TAGS`, see docs/architecture.md). */
const TAGS = ELEMENT_TAGS;

declare global {
  interface Window {
    __pwned?: unknown;
    __control?: boolean;
  }
}

const P = (marker: string) => `window.__pwned='${marker}'`;
/** The corpus; each entry would set `window.__pwned` if it ever ran. */
const PAYLOADS = [
  `<script>${P('script')}</script>`,
  `<img src=x onerror="${P('img')}">`,
  `"><svg onload="${P('svg')}">`,
  `'><svg/onload=${P('svg2')}>`,
  `</p><iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
  `<a href="javascript:${P('a')}">click</a>`,
  `<a href=" JaVaScRiPt:${P('a2')}">x</a>`,
  `<a href="&#106;avascript:${P('a3')}">x</a>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${P('mxss')}>`,
  `<style>*{display:none}</style><div style="background:url(javascript:${P('css')})">`,
  `\${${P('tpl')}}`,
  `{{constructor.constructor("${P('ng')}")()}}`,
  `<!--?lit$123456$--><div @click=\${x} .innerHTML=\${x} ?hidden=\${x}>lit$123456$</div>`,
  `<details open ontoggle=${P('toggle')}>`,
  `<input autofocus onfocus=${P('focus')}>`,
  `&lt;script&gt;${P('ent')}&lt;/script&gt; &#x3C;img src=x onerror=${P('ent2')}&#x3E;`,
  `\u202Egnp.exe\u202C admin\u200B\u2066\u2069`,
  `null\u0000byte<script>${P('nul')}</script>`,
  `${'A'.repeat(150)}<img src=x onerror=${P('long')}>`,
];
const LONG = `${'<b>'.repeat(300)}${'W'.repeat(1000)}`;
const HOSTILE_LINKS = [
  `javascript:${P('link1')}`,
  ` JaVaScRiPt:${P('link2')}`,
  `java\tscript:${P('link3')}`,
  `&#106;avascript:${P('link4')}`,
  `data:text/html,<script>${P('link5')}</script>`,
  `vbscript:msgbox(1)`,
  `//evil.example/x`,
];
/** http(s) links that carry payloads in path, query and fragment (valid URLs; rendered as attributes). */
const TRICKY_HTTP_LINKS = [
  `https://x.example/"><svg onload=${P('href')}>`,
  `https://x.example/?q='onmouseover='${P('href2')}`,
  `https://x.example/#<img src=x onerror=${P('href3')}>`,
];

/**
 * Elements no component renders, so any of them is markup that came from a payload. (Inputs,
 * buttons and the elements' own svg icons are theirs; a payload's `<input onfocus>` or
 * `<details ontoggle>` is caught by its handler attribute.)
 */
const FORBIDDEN_TAGS = new Set([
  'script',
  'img',
  'iframe',
  'object',
  'embed',
  'math',
  'mglyph',
  'base',
  'meta',
  'link',
]);

/** Every element under `root`, through open shadow roots. */
function deepElements(root: ParentNode): Element[] {
  const out: Element[] = [];
  const walk = (node: ParentNode) => {
    for (const el of node.querySelectorAll('*')) {
      out.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  if (root instanceof Element && root.shadowRoot) walk(root.shadowRoot);
  return out;
}

/** Text of everything under `root`, through shadow roots. */
function deepText(root: Element): string {
  return deepElements(root)
    .flatMap((el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent))
    .join(' ');
}

/** Waits until a control `onerror` handler inserted after the payloads has run. */
async function errorHandlersHadTheirChance() {
  window.__control = false;
  const probe = document.createElement('div');
  probe.innerHTML = '<img src="data:image/png;base64,AAAA" onerror="window.__control=true">';
  document.body.append(probe);
  await waitUntil(() => window.__control === true, 'control onerror ran');
  probe.remove();
}

/** The value without whitespace and control characters, the way a URL parser skips them. */
const stripControls = (value: string) => [...value].filter((c) => c.charCodeAt(0) > 0x20).join('');

function assertNothingEscaped(root: Element, label: string) {
  expect(window.__pwned, `${label}: a payload ran`).to.equal(undefined);
  const problems: string[] = [];
  for (const el of deepElements(root)) {
    const tag = el.localName;
    if (FORBIDDEN_TAGS.has(tag)) problems.push(`<${tag}> in <${(el.getRootNode() as ShadowRoot).host?.localName}>`);
    // Only the elements' own inline icons may be svg; they carry no payload text.
    if (tag === 'svg' && /pwned/.test(el.outerHTML)) problems.push('svg with a payload');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${name} on <${tag}>`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'style'].includes(name)) {
        if (/javascript:|vbscript:|data:text\/html/i.test(stripControls(attr.value)))
          problems.push(`${name}="${attr.value}" on <${tag}>`);
      }
      if (name === 'href' && tag === 'a') {
        const url = new URL(attr.value, 'https://base.invalid/');
        if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`href ${attr.value}`);
        if (url.hostname === 'base.invalid') problems.push(`relative href ${attr.value}`);
      }
      // Attribute names from payloads (Lit lookalikes, handlers) must not exist at all.
      if (/[@.?$]|pwned/.test(name)) problems.push(`attribute ${name} on <${tag}>`);
    }
  }
  expect(problems, `${label}: ${problems.join('; ')}`).to.deep.equal([]);
}

function allTagsRegistered(): string[] {
  return TAGS.filter((tag) => !customElements.get(tag));
}

describe('resilience: hostile content in every element', () => {
  const ctx = useHub();
  afterEach(() => {
    delete window.__pwned;
  });

  it('every tag of the design table is registered', () => {
    expect(allTagsRegistered(), 'tags not registered yet').to.deep.equal([]);
  });

  it('payloads published through the hub render as text everywhere; nothing runs or breaks out', async () => {
    const token = await hubToken(`hostile-${Date.now()}`);
    const page = await fixture<HTMLElement>(html`
      <div>
        <realtime-provider id="hostile" url=${ctx.hub.wsUrl} token=${token} max-notifications="500">
          <notification-bell></notification-bell>
          <admin-notification-center tab="all"></admin-notification-center>
          <connection-status></connection-status>
          <system-status variant="detailed"></system-status>
          <live-activity></live-activity>
          <realtime-metrics></realtime-metrics>
          <critical-alerts></critical-alerts>
          <realtime-dashboard></realtime-dashboard>
        </realtime-provider>
      </div>
    `);
    const provider = page.querySelector<RealtimeProvider>('realtime-provider')!;
    await waitUntil(() => isLive(provider.store), 'provider live', { timeout: 8000 });

    const events: Record<string, unknown>[] = [];
    PAYLOADS.forEach((p, i) => {
      events.push({
        kind: 'notification',
        title: p.slice(0, 200),
        message: `${p} ${LONG}`.slice(0, 2000),
        priority: i % 2 ? 'critical' : 'high',
        category: i % 2 ? 'security' : 'system',
        link: TRICKY_HTTP_LINKS[i % TRICKY_HTTP_LINKS.length],
        data: { html: p },
      });
      events.push({
        kind: 'activity',
        type: ['authentication', 'agents', 'billing', 'contacts'][i % 4],
        action: p.slice(0, 200),
        user: { id: p.slice(0, 256), name: p.slice(0, 200), email: p.slice(0, 320) },
        detail: p,
      });
    });
    events.push({
      kind: 'status',
      components: Object.fromEntries(
        PAYLOADS.slice(0, 8).map((p, i) => [`component_${i}`, { state: i % 2 ? 'down' : 'degraded', message: p }]),
      ),
    });
    events.push({ kind: 'metrics', values: { activeUsers: 3, errorRate: 0.9, systemLoad: 0.5 } });
    events.push({ kind: 'agents', active: 1, idle: 2, error: 3 });
    // Links the hub must refuse outright (validation at the edge).
    for (const link of HOSTILE_LINKS) {
      let refused = false;
      try {
        await publish(ctx.hub, { kind: 'notification', title: 'link', link });
      } catch (err) {
        refused = /link: must be an absolute http/.test(String(err));
      }
      expect(refused, `hub refused link ${JSON.stringify(link)}`).to.equal(true);
    }
    await publish(ctx.hub, ...events);

    const state = () => provider.store!.getState();
    await waitUntil(
      () => state().notifications.length === PAYLOADS.length && state().activity.length >= 10 && state().status,
      'every hostile event in the store',
      { timeout: 8000 },
    );
    // Open the bell's panel so its center renders too.
    const bell = page.querySelector('notification-bell')!;
    bell.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')?.click();
    for (const tag of TAGS) {
      for (const el of page.querySelectorAll(tag))
        await (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
    }
    await errorHandlersHadTheirChance();
    assertNothingEscaped(page, 'through the hub');

    // The payloads are there, as text: the center shows the titles verbatim.
    const center = page.querySelector('admin-notification-center')!;
    const centerText = deepText(center);
    for (const p of [PAYLOADS[0]!, PAYLOADS[1]!, PAYLOADS[2]!]) expect(centerText).to.include(p.slice(0, 200));
    const activityText = deepText(page.querySelector('live-activity')!);
    expect(activityText).to.include(PAYLOADS[0]!);
    const alertsText = deepText(page.querySelector('critical-alerts')!);
    expect(PAYLOADS.filter((p, i) => i % 2 && alertsText.includes(p.slice(0, 50))).length).to.be.greaterThan(0);
  });

  it('a hostile hub: script links, hostile names and categories are rendered inert by the elements', async () => {
    const transport = new MemoryTransport();
    const store = createStore(transport, { maxNotifications: 500 });
    const at = new Date().toISOString();
    const notifications = [...HOSTILE_LINKS, ...TRICKY_HTTP_LINKS].map((link, i) => ({
      kind: 'notification',
      id: `n${i}`,
      seq: i + 1,
      title: PAYLOADS[i % PAYLOADS.length],
      message: PAYLOADS[(i + 1) % PAYLOADS.length],
      category: PAYLOADS[(i + 2) % PAYLOADS.length],
      priority: 'critical',
      link,
      createdAt: at,
      read: false,
    }));
    const activity = PAYLOADS.map((p, i) => ({
      kind: 'activity',
      id: `a${i}`,
      seq: 100 + i,
      type: p,
      action: p,
      user: { id: p, name: p, email: p },
      detail: p,
      at,
    }));
    const components = Object.fromEntries(
      PAYLOADS.map((p, i) => [p, { state: i % 2 ? 'down' : 'degraded', message: p }]),
    );
    const series = Object.fromEntries(PAYLOADS.slice(0, 6).map((p) => [p, [1, 2]]));
    transport.connect();
    transport.receiveFrame(
      JSON.stringify({
        type: 'welcome',
        user: { id: PAYLOADS[0], role: 'admin', name: PAYLOADS[1] },
        stream: 's',
        resumed: false,
        seq: 200,
        unread: { total: notifications.length, byCategory: {}, byPriority: {} },
        heartbeatMs: 25_000,
      }),
    );
    transport.receiveFrame(
      JSON.stringify({
        type: 'snapshot',
        seq: 200,
        notifications,
        hasMore: false,
        unread: { total: notifications.length, byCategory: {}, byPriority: {} },
        activity,
        status: { components, at },
        agents: { active: 1, idle: 1, error: 1, at },
        metrics: { t: [Math.floor(Date.now() / 1000) - 1, Math.floor(Date.now() / 1000)], series },
      }),
    );
    expect(store.getState().notifications.length).to.equal(notifications.length);

    const page = await fixture<HTMLElement>(html`
      <div>
        <notification-bell .store=${store}></notification-bell>
        <admin-notification-center .store=${store} tab="all"></admin-notification-center>
        <connection-status .store=${store}></connection-status>
        <system-status .store=${store} variant="detailed"></system-status>
        <live-activity .store=${store}></live-activity>
        <realtime-metrics .store=${store}></realtime-metrics>
        <critical-alerts .store=${store}></critical-alerts>
      </div>
    `);
    page.querySelector('notification-bell')!.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')?.click();
    for (const el of page.children) await (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
    // A close reason from the hub is text too.
    transport.setState({ status: 'reconnecting', attempt: 1, nextRetryAt: Date.now() + 60_000, reason: PAYLOADS[1] });
    await (page.querySelector('connection-status') as HTMLElement & { updateComplete: Promise<unknown> })
      .updateComplete;
    await errorHandlersHadTheirChance();
    assertNothingEscaped(page, 'hostile hub');
    // Links with a non-http(s) scheme are shown as text, never as <a href>.
    const hrefs = deepElements(page)
      .filter((el) => el.localName === 'a' && el.hasAttribute('href'))
      .map((a) => a.getAttribute('href')!);
    for (const href of hrefs) expect(href).to.match(/^https:\/\/x\.example\//);
    store.destroy();
  });
});
