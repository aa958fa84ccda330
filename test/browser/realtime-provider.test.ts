import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import '../../src/components/notification-bell/index.js';
import type { NotificationBell } from '../../src/components/notification-bell/notification-bell.js';
import '../../src/components/realtime-provider/index.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { PROVIDER_READY } from '../../src/components/shared/context.js';
import { RealtimeController } from '../../src/components/shared/lit.js';
import { getLocale } from '../../src/components/shared/localize.js';
import type { ConnectionState } from '../../src/core/types.js';
import { type HubInfo, hubToken, isLive, publish, startHub, stopHub, useHub } from './widget-hub.js';

const connections = async (hub: HubInfo): Promise<number> =>
  ((await executeServerCommand('hub-health', { port: hub.port })) as { connections: number }).connections;

/** A bare consumer reading the unread count through context, to prove what descendants receive. */
class UnreadProbe extends LitElement {
  readonly unread = new RealtimeController(this, (s) => s.unread.total);
}
customElements.define('unread-probe', UnreadProbe);

/** Three slices on one element: they must share one store lookup. */
class SlicesProbe extends LitElement {
  readonly unread = new RealtimeController(this, (s) => s.unread.total);
  readonly status = new RealtimeController(this, (s) => s.connection.status);
  readonly titles = new RealtimeController(this, (s) => s.notifications.map((n) => n.title).join('|'));
}
customElements.define('slices-probe', SlicesProbe);

let counter = 0;
const user = (): string => `provider-admin-${++counter}-${Date.now()}`;

describe('<realtime-provider>', () => {
  const ctx = useHub({ resetLocale: true });

  it('provides one store to descendants, announces itself, and re-exposes state and notifications as events', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const ready = oneEvent(document, PROVIDER_READY);
    const states: ConnectionState['status'][] = [];
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${ctx.hub.wsUrl} token=${token} @realtime-state-change=${(e: CustomEvent<ConnectionState>) => states.push(e.detail.status)}>
        <section><unread-probe></unread-probe></section>
      </realtime-provider>`,
    );
    expect((await ready).detail.provider).to.equal(provider);
    const store = provider.store!;
    expect(store).to.equal(provider.client!.store);
    expect(getComputedStyle(provider).display).to.equal('contents');
    const probe = provider.querySelector<UnreadProbe>('unread-probe')!;
    await waitUntil(() => isLive(store), 'live', { timeout: 8000 });
    expect(probe.unread.store).to.equal(store);
    expect(states).to.include('connecting');
    expect(states.at(-1)).to.equal('connected');

    // Bubbling and composed, so a page listening on document hears them.
    const heard = oneEvent(document, 'realtime-notification');
    await publish(ctx.hub, { kind: 'notification', title: 'Heard on the page', audience: { userIds: [sub] } });
    const event = await heard;
    expect(event.detail.title).to.equal('Heard on the page');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => probe.unread.value === 1, 'descendant sees the count');
    expect(provider.store).to.equal(store);
    await expect(provider).to.be.accessible();
  });

  it('gives an element with several controllers its store through one lookup, and every slice follows it', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const requests: EventTarget[] = [];
    const count = (event: Event) => {
      if ((event.composedPath()[0] as Element).localName === 'slices-probe') requests.push(event.target!);
    };
    document.addEventListener('context-request', count, true);
    try {
      const provider = await fixture<RealtimeProvider>(
        html`<realtime-provider url=${ctx.hub.wsUrl} token=${token}><slices-probe></slices-probe></realtime-provider>`,
      );
      const probe = provider.querySelector<SlicesProbe>('slices-probe')!;
      await waitUntil(() => probe.status.value === 'connected', 'connected', { timeout: 8000 });
      expect(requests.length, 'context requests from the probe').to.equal(1);
      for (const c of [probe.unread, probe.status, probe.titles]) expect(c.store).to.equal(provider.store);
      await publish(ctx.hub, { kind: 'notification', title: 'Shared lookup', audience: { userIds: [sub] } });
      await waitUntil(() => probe.unread.value === 1 && probe.titles.value === 'Shared lookup', 'both slices updated', {
        timeout: 8000,
      });
    } finally {
      document.removeEventListener('context-request', count, true);
    }
  });

  it('re-authenticates in place when the token changes and follows category changes', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${ctx.hub.wsUrl} token=${token} categories="security, billing"></realtime-provider>`,
    );
    expect(provider.categories).to.deep.equal(['security', 'billing']);
    await waitUntil(() => isLive(provider.store), 'live', { timeout: 8000 });
    const sockets = await connections(ctx.hub);
    const states: string[] = [];
    provider.addEventListener('realtime-state-change', (e) => states.push(e.detail.status));
    const fresh = ((await executeServerCommand('hub-token', { sub, ttl: 1800 })) as { token: string }).token;
    expect(fresh).not.to.equal(token);
    provider.setAttribute('token', fresh);
    // The hub answers the in-session auth with a welcome: connected again, never via connecting.
    await waitUntil(() => states.includes('connected'), 're-authenticated', { timeout: 5000 });
    expect(states).to.deep.equal(['connected']);
    expect(await connections(ctx.hub)).to.equal(sockets);

    provider.setAttribute('categories', 'security');
    await provider.updateComplete;
    expect(provider.store!.getState().categories).to.deep.equal(['security']);
    await publish(
      ctx.hub,
      { kind: 'notification', title: 'Invoice', category: 'billing', audience: { userIds: [sub] } },
      { kind: 'notification', title: 'Login', category: 'security', audience: { userIds: [sub] } },
    );
    await waitUntil(
      () => provider.store!.getState().notifications.some((n) => n.title === 'Login'),
      'security arrives',
    );
    // Fanned out in seq order: had billing been sent, it would be here already.
    expect(provider.store!.getState().notifications.map((n) => n.title)).to.deep.equal(['Login']);
    expect(states).to.deep.equal(['connected']);
  });

  it('closes when removed from the page, reopens when put back, and waits for connect() when manual', async () => {
    const token = await hubToken(user());
    const before = await connections(ctx.hub);
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${ctx.hub.wsUrl} token=${token}></realtime-provider>`,
    );
    await waitUntil(() => isLive(provider.store), 'live', { timeout: 8000 });
    const store = provider.store;
    const parent = provider.parentElement!;
    provider.remove();
    expect(store!.getState().connection.status).to.equal('closed');
    await waitUntil(async () => (await connections(ctx.hub)) === before, 'socket closed on the hub');
    parent.append(provider);
    await waitUntil(() => store!.getState().connection.status === 'connected', 'reopened', { timeout: 8000 });
    expect(provider.store).to.equal(store);
    expect(await connections(ctx.hub)).to.equal(before + 1);
    provider.disconnect();
    await waitUntil(async () => (await connections(ctx.hub)) === before, 'disconnect() closes');

    const manual = await fixture<RealtimeProvider>(
      html`<realtime-provider manual url=${ctx.hub.wsUrl} token=${token} locale="de"></realtime-provider>`,
    );
    expect(getLocale()).to.equal('de');
    expect(manual.store!.getState().connection.status).to.equal('idle');
    manual.connect();
    await waitUntil(() => isLive(manual.store), 'manual connect', { timeout: 8000 });
    manual.reconnect();
    await waitUntil(() => isLive(manual.store), 'reconnected', { timeout: 8000 });
  });

  it('starts over on a new url, and elements that found it by id follow the new store', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const second = await startHub();
    try {
      const page = await fixture<HTMLElement>(html`<div>
        <notification-bell provider="rt"></notification-bell>
        <realtime-provider id="rt" url=${ctx.hub.wsUrl} token=${token}></realtime-provider>
      </div>`);
      const provider = page.querySelector<RealtimeProvider>('realtime-provider')!;
      const bell = page.querySelector<NotificationBell>('notification-bell')!;
      await waitUntil(() => isLive(provider.store), 'live', { timeout: 8000 });
      const first = provider.store;
      provider.url = second.wsUrl;
      await provider.updateComplete;
      expect(provider.store).not.to.equal(first);
      await waitUntil(() => isLive(provider.store), 'live on the second hub', { timeout: 8000 });
      expect(await connections(second)).to.equal(1);
      await publish(second, { kind: 'notification', title: 'From hub two', audience: { userIds: [sub] } });
      await waitUntil(() => bell.unreadCount === 1, 'bell follows the new store');
    } finally {
      await stopHub(second);
    }
  });

  it('connects once given a url and a tokenProvider after insertion, asking the provider for the token', async () => {
    const sub = user();
    let calls = 0;
    const provider = document.createElement('realtime-provider');
    const host = await fixture<HTMLElement>(html`<div></div>`);
    host.append(provider);
    expect(provider.store).to.equal(undefined);
    // Set after insertion, as a framework would: used before the first connect, no auth error.
    provider.url = ctx.hub.wsUrl;
    provider.tokenProvider = async () => {
      calls++;
      return hubToken(sub);
    };
    const states: string[] = [];
    provider.addEventListener('realtime-state-change', (e) => states.push(e.detail.status));
    await waitUntil(() => isLive(provider.store), 'live through the token provider', { timeout: 8000 });
    expect(calls).to.equal(1);
    expect(provider.store!.getState().user?.id).to.equal(sub);
    expect(states).to.deep.equal(['connecting', 'connected']);
  });

  it('reports a refused token as realtime-error and an auth-error state', async () => {
    const errors: string[] = [];
    const provider = await fixture<RealtimeProvider>(
      html`<realtime-provider url=${ctx.hub.wsUrl} token="not-a-token" @realtime-error=${(e: CustomEvent<{ kind: string }>) => errors.push(e.detail.kind)}></realtime-provider>`,
    );
    await waitUntil(() => provider.store!.getState().connection.status === 'auth-error', 'auth error', {
      timeout: 8000,
    });
    expect(errors).to.include('auth');
  });
});
