/**
 * One socket per browser (issue 18 item 1), against a real hub. Each "tab" is a same-origin
 * iframe (test/support/tab-frame.html): its own browsing context with its own copy of the
 * library, sharing Web Locks and BroadcastChannel with its siblings as tabs of one origin do.
 * Closing a tab is removing its iframe (the document is unloaded: `pagehide`, the lock freed).
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { RealtimeClientOptions } from '../../src/core/client.js';
import type { TabProbe } from '../support/tab-frame.js';
import { waitFor } from '../support/wait-for.js';
import { hubToken, publish, useHub } from './widget-hub.js';

interface Tab {
  frame: HTMLIFrameElement;
  probe: TabProbe;
}

const frames: HTMLIFrameElement[] = [];

async function openTab(setup?: (win: Window) => void): Promise<Tab> {
  const frame = document.createElement('iframe');
  frame.src = '/test/support/tab-frame.html';
  frames.push(frame);
  document.body.append(frame);
  const probe = await waitFor(() => (frame.contentWindow as unknown as { tabProbe?: TabProbe } | null)?.tabProbe, {
    timeoutMs: 10_000,
    message: 'the tab frame to load',
  });
  setup?.(frame.contentWindow as Window);
  return { frame, probe };
}

const live = (tab: Tab): boolean => {
  const state = tab.probe.client?.store.getState();
  return !!state && !state.loading && state.connection.status === 'connected';
};

const waitLive = (tabs: Tab[], message = 'every tab live') =>
  waitFor(() => tabs.every(live), { timeoutMs: 8000, message });

const hubConnections = async (port: number): Promise<number> =>
  ((await executeServerCommand('hub-health', { port })) as { connections: number }).connections;

async function waitConnections(port: number, count: number): Promise<void> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const now = await hubConnections(port);
    if (now === count) return;
    if (Date.now() > deadline) throw new Error(`hub has ${now} sockets, expected ${count}`);
  }
}

let counter = 0;

describe('tabs share one socket', () => {
  const ctx = useHub();
  let sub = '';
  let options: RealtimeClientOptions;

  beforeEach(async () => {
    sub = `tabs-admin-${++counter}-${Date.now()}`;
    options = { url: ctx.hub.wsUrl, token: await hubToken(sub) };
  });

  afterEach(() => {
    for (const frame of frames.splice(0)) frame.remove();
  });

  const notify = (title: string, priority = 'medium') =>
    publish(ctx.hub, { kind: 'notification', title, priority, audience: { userIds: [sub] } }) as Promise<{
      accepted: { id: string; seq: number }[];
    }>;

  /** Publishes `count` notifications; returns their ids. */
  async function notifyMany(prefix: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await notify(`${prefix} ${i}`);
      ids.push(...answer.accepted.map((a) => a.id));
    }
    return ids;
  }

  /** Every id reached every tab exactly once, and no tab's store got one event seq twice. */
  async function expectExactlyOnce(tabs: Tab[], ids: string[]): Promise<void> {
    const missing = () =>
      tabs.map((t, i) => [i, ids.filter((id) => !t.probe.notified.includes(id)).length]).filter(([, n]) => n);
    await waitFor(() => missing().length === 0, {
      timeoutMs: 8000,
      message: `every notification in every tab (tab, missing): ${JSON.stringify(missing())}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; now ${JSON.stringify(missing())}`);
    });
    for (const [i, tab] of tabs.entries()) {
      const mine = tab.probe.notified.filter((id) => ids.includes(id));
      expect(mine, `tab ${i} notifications`).to.deep.equal(ids);
      const seqs = tab.probe.seqs;
      expect(
        seqs.every((s, k) => k === 0 || s > (seqs[k - 1] as number)),
        `tab ${i} seqs increase: ${seqs}`,
      ).to.equal(true);
    }
  }

  it('two tabs hold one socket at the hub; the follower knows it does not hold it', async () => {
    const tabs = [await openTab(), await openTab()];
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    expect(await hubConnections(ctx.hub.port)).to.equal(1);
    const holders = tabs.filter((t) => t.probe.client?.holdsSocket);
    expect(holders.length).to.equal(1);
    const follower = tabs.find((t) => !t.probe.client?.holdsSocket) as Tab;
    const state = follower.probe.client?.store.getState().connection;
    expect(state).to.include({ status: 'connected', shared: 'follower' });

    // An action from the follower goes through the leader and is answered.
    const ids = await notifyMany('two tabs', 1);
    await expectExactlyOnce(tabs, ids);
    await follower.probe.client?.store.markRead(ids);
    await waitFor(() => tabs.every((t) => t.probe.client?.store.getState().notifications[0]?.read), {
      message: 'read in both tabs',
    });
  });

  it('five tabs hold one socket, and every notification reaches each of them once', async () => {
    const tabs: Tab[] = [];
    for (let i = 0; i < 5; i++) tabs.push(await openTab());
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    expect(await hubConnections(ctx.hub.port)).to.equal(1);
    expect(tabs.filter((t) => t.probe.client?.holdsSocket).length).to.equal(1);
    await expectExactlyOnce(tabs, await notifyMany('five tabs', 5));
  });

  it('closing the leader hands over within 3 s; notifications published during it arrive once in every tab', async () => {
    const tabs: Tab[] = [];
    for (let i = 0; i < 4; i++) tabs.push(await openTab());
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    const before = await notifyMany('before', 3);

    const leader = tabs.find((t) => t.probe.client?.holdsSocket) as Tab;
    const rest = tabs.filter((t) => t !== leader);
    const closedAt = performance.now();
    leader.frame.remove();
    // Published while the other tabs elect a leader and it reconnects.
    const during = await notifyMany('during', 3);
    await waitFor(() => rest.some((t) => t.probe.client?.holdsSocket && live(t)), {
      timeoutMs: 5000,
      message: 'a new leader connected',
    });
    const handover = performance.now() - closedAt;
    expect(handover, `handover took ${Math.round(handover)} ms`).to.be.below(3000);
    const after = await notifyMany('after', 3);

    await expectExactlyOnce(rest, [...before, ...during, ...after]);
    await waitConnections(ctx.hub.port, 1);
    expect(rest.filter((t) => t.probe.client?.holdsSocket).length).to.equal(1);
  });

  it('reloading the leader hands over without loss; the reloaded tab joins as a follower', async () => {
    const tabs = [await openTab(), await openTab(), await openTab()];
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    const leader = tabs.find((t) => t.probe.client?.holdsSocket) as Tab;
    const rest = tabs.filter((t) => t !== leader);
    const oldProbe = leader.probe;
    const reloadedAt = performance.now();
    leader.frame.contentWindow?.location.reload();
    const during = await notifyMany('reload', 3);
    await waitFor(() => rest.some((t) => t.probe.client?.holdsSocket && live(t)), {
      timeoutMs: 5000,
      message: 'a new leader connected',
    });
    const handover = performance.now() - reloadedAt;
    expect(handover, `handover took ${Math.round(handover)} ms`).to.be.below(3000);
    const reloaded = await waitFor(
      () => {
        const probe = (leader.frame.contentWindow as unknown as { tabProbe?: TabProbe } | null)?.tabProbe;
        return probe && probe !== oldProbe ? probe : undefined;
      },
      { timeoutMs: 10_000, message: 'the reloaded tab' },
    );
    reloaded.open(options);
    const again: Tab = { frame: leader.frame, probe: reloaded };
    await waitLive([...rest, again]);
    const after = await notifyMany('after reload', 2);
    await expectExactlyOnce(rest, [...during, ...after]);
    await expectExactlyOnce([again], after);
    // What was published while it reloaded came in its snapshot (no notification events for those).
    const listed = reloaded.client?.store.getState().notifications.map((n) => n.id) ?? [];
    for (const id of during) expect(listed).to.include(id);
    await waitConnections(ctx.hub.port, 1);
  });

  it('a leader that stops answering (frozen) is replaced within 3 s by a visible follower that steals the lock', async () => {
    const tabs = [await openTab(), await openTab(), await openTab()];
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    const before = await notifyMany('before silence', 2);
    await expectExactlyOnce(tabs, before);
    const leader = tabs.find((t) => t.probe.client?.holdsSocket) as Tab;
    const rest = tabs.filter((t) => t !== leader);
    // The leader keeps its lock and socket but says nothing more, as a frozen tab does. It goes
    // silent right after a heartbeat, the worst case for the followers' watch.
    const win = leader.frame.contentWindow as unknown as typeof globalThis;
    const post = win.BroadcastChannel.prototype.postMessage;
    let silentAt = 0;
    win.BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: { t?: string }) {
      if (silentAt) return;
      post.call(this, message);
      if (message.t === 'hb') silentAt = performance.now();
    };
    await waitFor(() => silentAt, { message: 'the leader to beat once more and go silent' });
    const during = await notifyMany('during silence', 2);
    // The first event the new leader delivers: the first one published during the silence.
    await waitFor(() => rest.every((t) => t.probe.notified.includes(during[0] as string)), {
      timeoutMs: 8000,
      message: 'the first event of the silence in every follower',
    });
    const handover = performance.now() - silentAt;
    expect(handover, `handover took ${Math.round(handover)} ms`).to.be.below(3000);
    expect(rest.filter((t) => t.probe.client?.holdsSocket).length).to.equal(1);
    // The old leader learns its lock was stolen, closes its socket and follows (silently, here).
    await waitFor(() => !leader.probe.client?.holdsSocket, { message: 'the old leader stepped down' });
    await waitConnections(ctx.hub.port, 1);
    const after = await notifyMany('after silence', 2);
    await expectExactlyOnce(rest, [...before, ...during, ...after]);
  });

  it('a tab leaving for the back/forward cache lets go, and joins again when restored', async () => {
    const tabs = [await openTab(), await openTab(), await openTab()];
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    const leader = tabs.find((t) => t.probe.client?.holdsSocket) as Tab;
    const follower = tabs.find((t) => t !== leader) as Tab;
    const hide = (tab: Tab) =>
      tab.frame.contentWindow?.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    const show = (tab: Tab) =>
      tab.frame.contentWindow?.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));

    // A follower away in the cache misses nothing: it catches up when restored.
    hide(follower);
    expect(follower.probe.client?.store.getState().connection.status).to.equal('connecting');
    const away = await notifyMany('while cached', 2);
    show(follower);
    await waitLive([follower]);
    // The leader going into the cache hands the socket over.
    hide(leader);
    const handover = await notifyMany('leader cached', 2);
    await waitFor(() => tabs.some((t) => t !== leader && t.probe.client?.holdsSocket && live(t)), {
      timeoutMs: 5000,
      message: 'a new leader',
    });
    show(leader);
    await waitLive(tabs);
    expect(leader.probe.client?.holdsSocket).to.equal(false);
    const after = await notifyMany('after the cache', 2);
    await expectExactlyOnce(tabs, [...away, ...handover, ...after]);
    await waitConnections(ctx.hub.port, 1);
  });

  it('tabs with other categories do not share; a leader that changes them keeps its socket in place', async () => {
    const tabs = [await openTab(), await openTab()];
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    const leader = tabs.find((t) => t.probe.client?.holdsSocket) as Tab;
    const follower = tabs.find((t) => t !== leader) as Tab;
    const states: string[] = [];
    leader.probe.client?.on('realtime-state-change', (s) => states.push(s.status));

    leader.probe.client?.store.setCategories(['security']);
    // The follower's group lost its leader: it takes the socket for the tabs of every category.
    await waitFor(() => follower.probe.client?.holdsSocket && live(follower), { message: 'the follower leads' });
    await waitConnections(ctx.hub.port, 2);
    expect(leader.probe.client?.holdsSocket).to.equal(true);
    expect(states.filter((s) => s !== 'connected')).to.deep.equal([]);
    const billing = await publish(ctx.hub, {
      kind: 'notification',
      title: 'Invoice',
      category: 'billing',
      audience: { userIds: [sub] },
    });
    const security = await publish(ctx.hub, {
      kind: 'notification',
      title: 'Login',
      category: 'security',
      audience: { userIds: [sub] },
    });
    const id = (answer: unknown) => (answer as { accepted: { id: string }[] }).accepted[0]?.id as string;
    await expectExactlyOnce([follower], [id(billing), id(security)]);
    await expectExactlyOnce([leader], [id(security)]);
  });

  it('a tab with isolated (or share: false) has a socket of its own', async () => {
    const shared = [await openTab(), await openTab()];
    for (const tab of shared) tab.probe.open(options);
    const alone = await openTab();
    alone.frame.contentDocument?.body.insertAdjacentHTML(
      'beforeend',
      `<realtime-provider isolated url="${options.url}" token="${options.token}"></realtime-provider>`,
    );
    const provider = alone.frame.contentDocument?.querySelector('realtime-provider') as unknown as {
      client?: TabProbe['client'];
    };
    alone.probe.watch(await waitFor(() => provider.client, { message: 'the isolated provider client' }));
    await waitLive([...shared, alone]);
    expect(await hubConnections(ctx.hub.port)).to.equal(2);
    expect(alone.probe.client?.holdsSocket).to.equal(true);
    expect(alone.probe.client?.store.getState().connection).to.not.have.property('shared');
    await expectExactlyOnce([...shared, alone], await notifyMany('isolated', 2));
  });

  it('without Web Locks each tab has its own socket, as before', async () => {
    const noLocks = (win: Window) => Object.defineProperty(win.navigator, 'locks', { value: undefined });
    const tabs = [await openTab(noLocks), await openTab(noLocks)];
    for (const tab of tabs) tab.probe.open(options);
    await waitLive(tabs);
    expect(await hubConnections(ctx.hub.port)).to.equal(2);
    expect(tabs.every((t) => t.probe.client?.holdsSocket)).to.equal(true);
  });

  it('a critical alert sounds once per browser; a follower says it is connected through another tab', async () => {
    const tabs: Tab[] = [];
    for (let i = 0; i < 3; i++) {
      const tab = await openTab();
      tab.frame.contentDocument?.body.insertAdjacentHTML(
        'beforeend',
        `<realtime-provider url="${options.url}" token="${options.token}">
          <critical-alerts sound></critical-alerts><connection-status></connection-status>
        </realtime-provider>`,
      );
      const provider = tab.frame.contentDocument?.querySelector('realtime-provider') as unknown as {
        client?: TabProbe['client'];
      };
      tab.probe.watch(await waitFor(() => provider.client, { message: 'the provider client' }));
      tabs.push(tab);
    }
    await waitLive(tabs);
    // <critical-alerts> takes what it shows on its first render after the snapshot as the baseline
    // it does not sound for; that render comes a frame after the store went live.
    for (const tab of tabs) {
      const win = tab.frame.contentWindow as Window;
      await new Promise((resolve) => win.requestAnimationFrame(resolve));
      const alerts = win.document.querySelector('critical-alerts') as unknown as { updateComplete: Promise<unknown> };
      await alerts.updateComplete;
    }
    expect(await hubConnections(ctx.hub.port)).to.equal(1);
    const toasts = (tab: Tab) =>
      tab.frame.contentDocument?.querySelector('critical-alerts')?.shadowRoot?.querySelectorAll('[part="toast"]')
        .length ?? 0;
    await notify('Database down', 'critical');
    await waitFor(() => tabs.every((t) => toasts(t) === 1), { message: 'the toast in every tab' });
    // The beep is a chunk loaded when an alert first sounds: its play comes after that load.
    await waitFor(() => tabs.some((t) => t.probe.sounds > 0), { message: 'a sound' });
    const sounds = tabs.map((t) => t.probe.sounds);
    expect(sounds.reduce((a, b) => a + b)).to.equal(1);
    const leader = tabs.findIndex((t) => t.probe.client?.holdsSocket);
    expect(sounds[leader]).to.equal(1);

    const follower = tabs.find((t) => !t.probe.client?.holdsSocket) as Tab;
    const status = follower.frame.contentDocument?.querySelector('connection-status')?.shadowRoot;
    await waitFor(() => status?.textContent?.includes('Connected through another tab.'), {
      message: 'the follower hint',
    });
    const leaderStatus = tabs[leader]?.frame.contentDocument?.querySelector('connection-status')?.shadowRoot;
    expect(leaderStatus?.textContent).to.not.include('another tab');
  });
});
