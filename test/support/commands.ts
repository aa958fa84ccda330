/**
 * Server commands for browser tests, keyed by name. Each takes the JSON payload the test sent and
 * returns JSON. Everything started here listens on 127.0.0.1 with port 0 and is stopped by
 * `stop-all` when the runner ends.
 */
/** What the runner knows about the calling test page (its session, with the browser launcher). */
export interface CommandContext {
  session?: { id: string; browser?: { getPage?(id: string): unknown } };
}
type Handler = (payload: Record<string, unknown>, context?: CommandContext) => unknown | Promise<unknown>;

const stoppers = new Set<() => Promise<void>>();

/** Registers cleanup that `stop-all` runs. */
export function onStopAll(stop: () => Promise<void>): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

export const commands: Record<string, Handler> = {
  ping: () => ({ pong: true }),
  'stop-all': async () => {
    const all = [...stoppers];
    stoppers.clear();
    await Promise.allSettled(all.map((stop) => stop()));
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// test-server-*: the protocol test server (test/support/test-server.ts) for connection tests.
// ---------------------------------------------------------------------------------------------
const testServers = new Map<number, import('./test-server.js').TestServer>();
let nextTestServerId = 0;
const testServer = (payload: Record<string, unknown>) => {
  const server = testServers.get(Number(payload.id));
  if (!server) throw new Error(`no test server ${String(payload.id)}`);
  return server;
};
Object.assign(commands, {
  'test-server-start': async () => {
    const { TestServer } = await import('./test-server.js');
    const server = await TestServer.start();
    const id = ++nextTestServerId;
    testServers.set(id, server);
    onStopAll(() => server.close());
    return { id, url: server.url };
  },
  'test-server-publish': (payload) => {
    const server = testServer(payload);
    const seqs: number[] = [];
    for (let i = 0; i < (Number(payload.count) || 1); i++) seqs.push(server.publish().seq);
    return { seqs };
  },
  'test-server-close-all': (payload) => {
    testServer(payload).closeAll(Number(payload.code), String(payload.reason ?? ''));
    return true; // the runner reads null as "command not handled"
  },
  'test-server-info': (payload) => {
    const server = testServer(payload);
    return { connections: server.connections, auths: server.auths, requestUrls: server.requestUrls };
  },
  'test-server-stop': async (payload) => {
    await testServer(payload).close();
    testServers.delete(Number(payload.id));
    return true; // the runner reads null as "command not handled"
  },
} satisfies Record<string, Handler>);

// ---------------------------------------------------------------------------------------------
// hub-*: a real admin-realtime hub (src/hub) on 127.0.0.1 for browser tests. In-memory storage,
// the test secret and publish key of test/support/hub-harness.ts, silent logs, any origin.
//   hub-start   {port?, allowedOrigins?, authTimeoutMs?, heartbeatMs?, maxFrameKiB?, masking?,
//                maxBufferedBytes?, messageRate?, connectionRate?}  → {url, wsUrl, port, publishKey}
//   hub-token   {sub, role?, ttl?, claims?}                        → {token}
//   hub-publish {port?, events}                                    → {accepted} | {error}
//   hub-health  {port?}                                            → GET /healthz {ok, connections, seq}
//   hub-stop    {port?}  (no port: every hub)                      → true
// ---------------------------------------------------------------------------------------------
type HubModule = typeof import('./hub-harness.js');
const hubsByPort = new Map<number, import('../../src/hub/hub.js').Hub>();
let hubHarness: Promise<HubModule> | undefined;
const harness = () => {
  hubHarness ??= import('./hub-harness.js');
  return hubHarness;
};
const pickHub = (payload: Record<string, unknown>) => {
  const hub = payload.port === undefined ? [...hubsByPort.values()].at(-1) : hubsByPort.get(Number(payload.port));
  if (!hub) throw new Error(`no hub ${payload.port === undefined ? 'running' : `on port ${String(payload.port)}`}`);
  return hub;
};
const HUB_START_OPTIONS = [
  'authTimeoutMs',
  'heartbeatMs',
  'maxFrameKiB',
  'masking',
  'maxBufferedBytes',
  'messageRate',
  'connectionRate',
] as const;
Object.assign(commands, {
  'hub-start': async (payload) => {
    const { startHub, TEST_PUBLISH_KEY } = await harness();
    const options: Record<string, unknown> = {
      port: payload.port === undefined ? 0 : Number(payload.port),
      allowedOrigins: (payload.allowedOrigins ?? payload.origins ?? ['*']) as string[],
      // Browser tests reconnect often from one address; keep the per-IP limit out of their way.
      connectionRate: { perSecond: 100, burst: 1000 },
    };
    for (const key of HUB_START_OPTIONS) if (payload[key] !== undefined) options[key] = payload[key];
    // `push: true`: Web Push with a VAPID pair made for this hub.
    const vapid = payload.push
      ? { ...(await import('web-push')).default.generateVAPIDKeys(), subject: 'mailto:t@x.test' }
      : null;
    if (vapid) options.push = { vapid };
    const hub = await startHub(options);
    hubsByPort.set(hub.port, hub);
    onStopAll(async () => {
      hubsByPort.delete(hub.port);
      await hub.close();
    });
    return {
      url: hub.url,
      wsUrl: hub.wsUrl,
      port: hub.port,
      publishKey: TEST_PUBLISH_KEY,
      ...(vapid ? { vapidPublicKey: vapid.publicKey } : {}),
    };
  },
  'hub-token': async (payload) => {
    const { signToken } = await harness();
    const ttl = payload.ttl === undefined ? 3600 : Number(payload.ttl);
    const token = await signToken({
      sub: String(payload.sub ?? 'admin-1'),
      role: (payload.role as string | string[] | undefined) ?? 'admin',
      ttl,
      ...(payload.claims ? { claims: payload.claims as Record<string, unknown> } : {}),
    });
    return { token };
  },
  'hub-publish': async (payload) => {
    const { InvalidEventError } = await import('../../src/hub/http.js');
    try {
      return await pickHub(payload).publish(payload.events);
    } catch (err) {
      if (err instanceof InvalidEventError) return { error: err.message };
      throw err;
    }
  },
  /** GET /healthz of a hub, as a page cannot read it cross-origin: `{ok, connections, seq, …}`. */
  'hub-health': async (payload) => {
    const response = await fetch(`${pickHub(payload).url}/healthz`);
    return await response.json();
  },
  'hub-stop': async (payload) => {
    const hubs = payload.port === undefined ? [...hubsByPort.values()] : [pickHub(payload)];
    for (const hub of hubs) hubsByPort.delete(hub.port);
    await Promise.all(hubs.map((hub) => hub.close()));
    return true; // the runner reads null as "command not handled"
  },
} satisfies Record<string, Handler>);

// ---------------------------------------------------------------------------------------------
// resilience-*: fault injection, demo traffic and page memory for the resilience suite
// (test/browser/resilience-*.test.ts; issue 6). Everything listens on 127.0.0.1, port 0.
//   proxy-start  {port?}             TCP proxy in front of a hub (default the last started)  → {port, wsUrl}
//   proxy-fault  {proxy, fault, delayMs?}  fault: drop | stall | slow | heal | refuse-upgrades |
//                allow-upgrades | buffer-sse | pass-sse          → {connections, accepted, dropped (drop only)}
//   proxy-stop   {proxy}                                                                     → true
//   sim-ticks    {port?, ticks, startMs?, seed?}  runs the demo simulator `ticks` steps
//                synchronously against a hub, one simulated second per tick                  → {seq}
//   page-memory  {}                  GC, then the page's JS heap and DOM counters over CDP    → {usedSize, totalSize, nodes, jsEventListeners, documents}
// ---------------------------------------------------------------------------------------------
const faultProxies = new Map<number, import('./fault-proxy.js').FaultProxy>();
/** Publishes the simulator made and `sim-ticks` has not yet awaited. */
const simulatorPublishes: Promise<unknown>[] = [];
const simulators = new Map<number, { tick(): void; stop(): void; clock: { now: number } }>();
Object.assign(commands, {
  'proxy-start': async (payload) => {
    const { FaultProxy } = await import('./fault-proxy.js');
    const proxy = await FaultProxy.start(pickHub(payload).port);
    faultProxies.set(proxy.port, proxy);
    onStopAll(() => proxy.close());
    return { port: proxy.port, wsUrl: proxy.wsUrl };
  },
  'proxy-fault': (payload) => {
    const proxy = faultProxies.get(Number(payload.proxy));
    if (!proxy) throw new Error(`no proxy on port ${String(payload.proxy)}`);
    const fault = String(payload.fault);
    const open = proxy.connections;
    if (fault === 'drop') proxy.dropAll();
    else if (fault === 'stall') proxy.stall();
    else if (fault === 'slow') proxy.slow(Number(payload.delayMs ?? 100));
    else if (fault === 'heal') proxy.heal();
    else if (fault === 'refuse-upgrades' || fault === 'allow-upgrades')
      proxy.refuseUpgrades(fault === 'refuse-upgrades');
    else if (fault === 'buffer-sse' || fault === 'pass-sse') proxy.bufferEventStreams(fault === 'buffer-sse');
    else throw new Error(`unknown fault ${fault}`);
    return { connections: proxy.connections, accepted: proxy.accepted, ...(fault === 'drop' ? { dropped: open } : {}) };
  },
  'proxy-stop': async (payload) => {
    const proxy = faultProxies.get(Number(payload.proxy));
    faultProxies.delete(Number(payload.proxy));
    await proxy?.close();
    return true;
  },
  'sim-ticks': async (payload) => {
    const hub = pickHub(payload);
    let sim = simulators.get(hub.port);
    if (!sim) {
      const published = simulatorPublishes;
      const { startSimulator, mulberry32 } = await import('../../src/hub/simulator.js');
      const clock = { now: Number(payload.startMs ?? Date.now() - 10 * 60_000) };
      const running = startSimulator({
        publish: (events) => {
          published.push(hub.publish(events));
        },
        random: mulberry32(Number(payload.seed ?? 7)),
        now: () => clock.now,
        intervalMs: 2 ** 30, // never on its own: the test drives it with tick()
      });
      sim = { ...running, clock };
      simulators.set(hub.port, sim);
      const stopping = sim;
      onStopAll(async () => {
        stopping.stop();
        simulators.delete(hub.port);
      });
    }
    const ticks = Math.min(10_000, Math.max(0, Number(payload.ticks ?? 1)));
    // One simulated second a tick, never ahead of the hub's clock: the hub refuses metric samples
    // dated more than a minute ahead, so a clock that outran real time would break the feed.
    for (let i = 0; i < ticks; i++) {
      sim.clock.now = Math.min(sim.clock.now + 1000, Date.now());
      sim.tick();
    }
    // The seq to wait for is known once every publish of these ticks is committed.
    await Promise.all(simulatorPublishes.splice(0));
    return { seq: await hub.backend.latestSeq() };
  },
  'page-memory': async (_payload, context) => {
    const session = context?.session;
    const page = session?.browser?.getPage?.(session.id) as
      | { createCDPSession(): Promise<{ send(m: string, p?: object): Promise<unknown>; detach(): Promise<void> }> }
      | undefined;
    if (!page) throw new Error('page-memory needs the Chrome launcher');
    const cdp = await page.createCDPSession();
    try {
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
      const dom = (await cdp.send('Memory.getDOMCounters')) as {
        documents: number;
        nodes: number;
        jsEventListeners: number;
      };
      return { ...heap, ...dom };
    } finally {
      await cdp.detach();
    }
  },
} satisfies Record<string, Handler>);

// ---------------------------------------------------------------------------------------------
// push-*: Web Push in the browser (test/browser/push.test.ts), over the page's CDP session.
//   push-subscriptions {port?, user}        the hub's stored subscriptions of `user`           → [{endpoint, keys, …}]
//   push-permission    {origin, setting}    sets the notifications permission of `origin`: granted | denied | prompt → true
//   push-worker-record {script}           records the showNotification calls of that worker  → true
//   push-worker-shown  {script}           what it recorded: [{title, options, outcome}]        → [...]
//   push-deliver       {origin, scope, data} hands `data` to the service worker of `scope` as a push
//                                            message (what a push service would), over a CDP session kept
//                                            until stop-all                                        → true
// ---------------------------------------------------------------------------------------------
type Cdp = {
  send(m: string, p?: object): Promise<unknown>;
  on(event: string, fn: (e: unknown) => void): void;
  detach(): Promise<void>;
};
async function pageCdp(context: CommandContext | undefined): Promise<Cdp> {
  const session = context?.session;
  const page = session?.browser?.getPage?.(session.id) as { createCDPSession(): Promise<Cdp> } | undefined;
  if (!page) throw new Error('push commands need the Chrome launcher');
  return page.createCDPSession();
}
/**
 * One CDP session per page with the ServiceWorker domain on, kept until `stop-all`: detached right
 * after a delivery, the worker could be stopped before it showed the notification.
 */
const workerSessions = new Map<string, { cdp: Cdp; registrationId(scope: string): Promise<string> }>();
async function serviceWorkerCdp(context: CommandContext | undefined) {
  const key = context?.session?.id ?? '';
  let entry = workerSessions.get(key);
  if (!entry) {
    const cdp = await pageCdp(context);
    const registrations = new Map<string, string>();
    const waiters = new Set<() => void>();
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      const { registrations: updated } = e as {
        registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }>;
      };
      for (const r of updated) {
        if (r.isDeleted) registrations.delete(r.scopeURL);
        else registrations.set(r.scopeURL, r.registrationId);
      }
      for (const wake of waiters) wake();
    });
    await cdp.send('ServiceWorker.enable');
    entry = {
      cdp,
      registrationId: (wanted) =>
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const id = registrations.get(wanted);
            if (id === undefined) return;
            clearTimeout(timer);
            waiters.delete(check);
            resolve(id);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`no service worker registration for ${wanted}`));
          }, 5000);
          waiters.add(check);
          check();
        }),
    };
    workerSessions.set(key, entry);
    onStopAll(async () => {
      workerSessions.delete(key);
      await cdp.detach().catch(() => undefined);
    });
  }
  return entry;
}

type WorkerHandle = { evaluate<T>(fn: () => T): Promise<T> };
/** The running service worker whose script is `scriptUrl`, through puppeteer (its own CDP target). */
async function serviceWorker(context: CommandContext | undefined, scriptUrl: string): Promise<WorkerHandle> {
  const session = context?.session;
  const page = session?.browser?.getPage?.(session.id) as
    | { browser(): { targets(): Array<{ type(): string; url(): string; worker(): Promise<WorkerHandle | null> }> } }
    | undefined;
  if (!page) throw new Error('push commands need the Chrome launcher');
  const target = page
    .browser()
    .targets()
    .find((t) => t.type() === 'service_worker' && t.url() === scriptUrl);
  const worker = await target?.worker();
  if (!worker) throw new Error(`no running service worker ${scriptUrl}`);
  return worker;
}

Object.assign(commands, {
  /**
   * Records every `showNotification` the worker of `script` makes from now on (title and options),
   * so a test reads what the worker asked for; headless Chromium's notification list loses entries
   * now and then (its display platform reports them gone), so it is not the evidence.
   */
  'push-worker-record': async (payload, context) => {
    const worker = await serviceWorker(context, String(payload.script));
    await worker.evaluate(() => {
      const scope = self as unknown as {
        __shown: unknown[];
        registration: { showNotification(title: string, options?: object): Promise<void> };
      };
      scope.__shown = [];
      const show = scope.registration.showNotification.bind(scope.registration);
      scope.registration.showNotification = (title, options) => {
        const call: Record<string, unknown> = { title, options: JSON.parse(JSON.stringify(options ?? {})) };
        scope.__shown.push(call);
        return show(title, options).then(
          () => {
            call.outcome = 'shown';
          },
          (err: unknown) => {
            call.outcome = String(err);
            throw err;
          },
        );
      };
    });
    return true;
  },
  'push-worker-shown': async (payload, context) =>
    (await serviceWorker(context, String(payload.script))).evaluate(
      () => (self as unknown as { __shown?: unknown[] }).__shown ?? [],
    ),
  'push-subscriptions': async (payload) => pickHub(payload).backend.pushSubscriptions(String(payload.user)),
  'push-permission': async (payload, context) => {
    const session = context?.session;
    type Permission = { permission: { name: string }; state: string };
    const page = session?.browser?.getPage?.(session.id) as
      | { browserContext(): { setPermission(origin: string, ...permissions: Permission[]): Promise<void> } }
      | undefined;
    if (!page) throw new Error('push-permission needs the Chrome launcher');
    await page
      .browserContext()
      .setPermission(String(payload.origin), { permission: { name: 'notifications' }, state: String(payload.setting) });
    return true;
  },
  'push-deliver': async (payload, context) => {
    const scope = String(payload.scope);
    const worker = await serviceWorkerCdp(context);
    await worker.cdp.send('ServiceWorker.deliverPushMessage', {
      origin: String(payload.origin),
      registrationId: await worker.registrationId(scope),
      data: JSON.stringify(payload.data),
    });
    return true;
  },
} satisfies Record<string, Handler>);
