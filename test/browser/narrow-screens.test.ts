/**
 * Narrow screens (issue 17 item 6): every element, fed demo traffic from the seeded simulator
 * through a real hub, fits a 320 px and a 390 px wide viewport without a horizontal scrollbar,
 * and the bell's open popover lies wholly inside the viewport.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import '../../src/components/connection-status/index.js';
import '../../src/components/critical-alerts/index.js';
import '../../src/components/live-activity/index.js';
import '../../src/components/notification-bell/index.js';
import '../../src/components/notification-preferences/index.js';
import '../../src/components/realtime-dashboard/index.js';
import '../../src/components/realtime-metrics/index.js';
import '../../src/components/system-status/index.js';
import type { NotificationBell } from '../../src/components/notification-bell/notification-bell.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { hubToken, isLive, one, publish, useHub } from './widget-hub.js';

const TAGS = [
  'notification-bell',
  'connection-status',
  'system-status',
  'admin-notification-center',
  'live-activity',
  'realtime-metrics',
  'critical-alerts',
  'realtime-dashboard',
  'notification-preferences',
] as const;

/** The deepest elements (through shadow roots) reaching past the right edge, to name the culprit. */
function widest(root: Document | ShadowRoot = document, found: string[] = []): string[] {
  for (const el of root.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > innerWidth + 0.5 && !el.closest('.visually-hidden'))
      found.push(`${el.localName}.${el.className} ${r.right}`);
    if (el.shadowRoot) widest(el.shadowRoot, found);
  }
  return found;
}

/** Elements whose border box pokes out of the viewport sideways, with their rects. */
function outside(elements: Element[]): string[] {
  const width = document.documentElement.clientWidth;
  return elements
    .map((el) => [el, el.getBoundingClientRect()] as const)
    .filter(([, r]) => r.left < -0.5 || r.right > width + 0.5)
    .map(([el, r]) => `<${el.localName}> ${Math.round(r.left)}…${Math.round(r.right)} of ${width}`);
}

describe('narrow screens', () => {
  const ctx = useHub({ sub: 'narrow-admin' });

  after(() => setViewport({ width: 800, height: 600 }));

  async function page(): Promise<{ provider: RealtimeProvider; bell: NotificationBell }> {
    const token = await hubToken('narrow-admin');
    const root = await fixture<HTMLElement>(html`<main>
      <realtime-provider url=${ctx.hub.wsUrl} token=${token}>
        <header style="display: flex; justify-content: space-between; align-items: center">
          <strong>Admin</strong>
          <!-- As in the demo: an avatar after the bell, so the bell is not at the very edge. -->
          <span style="display: flex; align-items: center; gap: 0.5rem">
            <connection-status></connection-status> <notification-bell></notification-bell>
            <span style="inline-size: 2rem; block-size: 2rem; border-radius: 50%; background: #ccc"></span>
          </span>
        </header>
        <system-status variant="detailed"></system-status>
        <admin-notification-center heading="Notifications"></admin-notification-center>
        <live-activity></live-activity>
        <realtime-metrics></realtime-metrics>
        <critical-alerts></critical-alerts>
        <notification-preferences></notification-preferences>
      </realtime-provider>
      <realtime-dashboard url=${ctx.hub.wsUrl} token=${token}></realtime-dashboard>
    </main>`);
    const provider = root.querySelector<RealtimeProvider>('realtime-provider')!;
    const dashboard = root.querySelector('realtime-dashboard') as HTMLElement & { store?: RealtimeProvider['store'] };
    await waitUntil(() => isLive(provider.store) && isLive(dashboard.store), 'both stores live', { timeout: 8000 });
    // The preferences form with its widest part, a quiet window, open.
    const prefs = root.querySelector('notification-preferences')!;
    await waitUntil(() => prefs.shadowRoot?.querySelector('[part~="quiet-hours"] input'), 'preferences form');
    prefs.shadowRoot!.querySelector<HTMLInputElement>('[part~="quiet-hours"] input')!.click();
    await waitUntil(() => prefs.shadowRoot!.querySelector('[part~="window"]'), 'a quiet window');
    return { provider, bell: root.querySelector<NotificationBell>('notification-bell')! };
  }

  before(async () => {
    // Ten simulated minutes of demo traffic, then long words that must wrap, and a critical toast.
    await executeServerCommand('sim-ticks', { port: ctx.hub.port, ticks: 600, seed: 3 });
    await publish(
      ctx.hub,
      {
        kind: 'notification',
        title: 'Supercalifragilisticexpialidocious-deployment-identifier-2026.11.25-7 finished',
        message: 'https://app.voiceagents.example/system/deployments/2026.11.25-7?region=eu-west-1&canary=true',
        category: 'a-very-long-custom-category-name',
        priority: 'critical',
      },
      {
        kind: 'activity',
        type: 'agents',
        action: 'edited agent',
        user: { id: 'u1', name: 'Maximiliana Wolfeschlegelsteinhausenberger', email: 'maximiliana@example.com' },
        detail: 'Renamed “Dental-Reception-After-Hours-Overflow-Queue-Westminster-Branch”.',
      },
    );
  });

  for (const width of [320, 390]) {
    it(`${width} px: no horizontal scrollbar, every element within the viewport, the bell's popover too`, async () => {
      await setViewport({ width, height: 800 });
      const { provider, bell } = await page();
      await waitUntil(() => (provider.store?.getState().notifications.length ?? 0) > 5, 'notifications listed');
      await waitUntil(() => (provider.store?.getState().metrics.t.length ?? 0) > 60, 'metric history');
      // Layout settles after the charts size themselves to their boxes (a frame or two).
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const elements = TAGS.map((tag) => document.querySelector(tag)!);
      expect(elements.every(Boolean)).to.equal(true);
      expect(innerWidth).to.equal(width);
      expect(document.documentElement.scrollWidth, `page width; ${widest().slice(0, 8).join(', ')}`).to.be.at.most(
        innerWidth,
      );
      expect(outside(elements)).to.deep.equal([]);
      // Inside the dashboard too.
      const inner = [...(document.querySelector('realtime-dashboard')!.shadowRoot?.querySelectorAll('*') ?? [])].filter(
        (el) => el.localName.includes('-'),
      );
      expect(inner.length).to.be.greaterThan(3);
      expect(outside(inner)).to.deep.equal([]);

      // The badge (two digits or more here) sits at the corner and leaves the bell recognisable.
      const icon = one(bell, '[part~="icon"]').getBoundingClientRect();
      const badge = one(bell, '[part~="badge"]').getBoundingClientRect();
      expect(bell.unreadCount).to.be.greaterThan(9);
      const covered =
        (Math.max(0, Math.min(icon.right, badge.right) - Math.max(icon.left, badge.left)) *
          Math.max(0, Math.min(icon.bottom, badge.bottom) - Math.max(icon.top, badge.top))) /
        (icon.width * icon.height);
      expect(covered, 'share of the icon under the badge').to.be.below(0.15);

      one<HTMLButtonElement>(bell, 'button').click();
      await waitUntil(() => bell.open, 'popover open');
      const panel = one(bell, '[part~="panel"]');
      const center = panel.querySelector('admin-notification-center')!;
      await waitUntil(() => center.shadowRoot?.querySelector('.item'), 'center rendered in the popover');
      await new Promise((r) => requestAnimationFrame(r));
      const box = panel.getBoundingClientRect();
      expect(box.left, 'popover left').to.be.at.least(0);
      expect(box.right, 'popover right').to.be.at.most(document.documentElement.clientWidth);
      expect(box.width, 'popover width').to.be.at.least(width - 32);
      // What is inside the popover stays inside it: tabs, filters, titles.
      const inPanel = [
        ...center.shadowRoot!.querySelectorAll('[role="tab"], .filters label, select, .actions button, .item .title'),
      ];
      expect(inPanel.length).to.be.greaterThan(5);
      for (const el of inPanel) {
        const r = el.getBoundingClientRect();
        expect(r.left, `${el.className || el.localName} left`).to.be.at.least(box.left - 0.5);
        expect(r.right, `${el.className || el.localName} right`).to.be.at.most(box.right + 0.5);
      }
      expect(document.documentElement.scrollWidth, 'page width with the popover open').to.be.at.most(innerWidth);
      bell.toggle(false);
      await waitUntil(() => !bell.open, 'closed');
    });
  }
});
