/**
 * Focus and keys (issue 17 item 7), against a real hub: after a button that disables or leaves
 * (Mark all read, Mark matching read, a toast's Dismiss) focus lands somewhere sensible, never on
 * `<body>`; Escape on the "Clear all notifications?" question closes the question only, and the
 * question is gone when the bell's popover opens again.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/admin-notification-center/index.js';
import type { AdminNotificationCenter } from '../../src/components/admin-notification-center/admin-notification-center.js';
import '../../src/components/critical-alerts/index.js';
import type { CriticalAlerts } from '../../src/components/critical-alerts/critical-alerts.js';
import '../../src/components/notification-bell/index.js';
import type { NotificationBell } from '../../src/components/notification-bell/notification-bell.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { hubToken, isLive, one, publish, shadow, text, useHub, withProvider } from './widget-hub.js';

let counter = 0;
const user = (): string => `focus-admin-${++counter}-${Date.now()}`;

/** The focused element, through shadow roots. */
function deepActive(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const button = (center: Element, label: string): HTMLButtonElement => {
  const found = [...shadow(center).querySelectorAll<HTMLButtonElement>('button')].find((b) => text(b) === label);
  if (!found) throw new Error(`no "${label}" button`);
  return found;
};

describe('focus and keys', () => {
  const ctx = useHub();

  const notify = (sub: string, ...items: Record<string, unknown>[]) =>
    publish(ctx.hub, ...items.map((n) => ({ kind: 'notification', audience: { userIds: [sub] }, ...n })));

  async function center(sub: string) {
    const token = await hubToken(sub);
    const { provider, el } = await withProvider<AdminNotificationCenter>(
      ctx.hub,
      token,
      html`<admin-notification-center></admin-notification-center>`,
      'admin-notification-center',
    );
    return { provider, el };
  }

  it('Enter on "Mark all read" moves focus to the selected tab, not the page', async () => {
    const sub = user();
    const { provider, el } = await center(sub);
    await notify(sub, { title: 'One' }, { title: 'Two' });
    await waitUntil(() => provider.store?.getState().unread.total === 2, 'two unread');
    await el.updateComplete;
    button(el, 'Mark all read').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => button(el, 'Mark all read').disabled, 'nothing left to mark');
    await el.updateComplete;
    const active = deepActive();
    expect(active?.getAttribute('role'), `focused ${active?.outerHTML.slice(0, 80)}`).to.equal('tab');
    expect(active?.getAttribute('aria-selected')).to.equal('true');
    expect(document.activeElement).to.equal(el);
  });

  it('Enter on "Mark matching read" moves focus to the selected tab when nothing matching is left', async () => {
    const sub = user();
    const { provider, el } = await center(sub);
    await notify(sub, { title: 'Invoice paid', category: 'billing' }, { title: 'Deployed', category: 'system' });
    await waitUntil(() => provider.store?.getState().unread.total === 2, 'two unread');
    el.category = 'billing';
    await el.updateComplete;
    button(el, 'Mark matching read').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => button(el, 'Mark matching read').disabled, 'nothing matching left to mark');
    await el.updateComplete;
    expect(provider.store?.getState().unread.total).to.equal(1);
    const active = deepActive();
    expect(active?.getAttribute('role'), `focused ${active?.outerHTML.slice(0, 80)}`).to.equal('tab');
    expect(active?.getAttribute('aria-selected')).to.equal('true');
  });

  it("Enter on the last toast's Dismiss returns focus to where it came from, else to the alerts region", async () => {
    const sub = user();
    const token = await hubToken(sub);
    const page = await fixture<HTMLElement>(html`<div>
      <button id="before" type="button">Before</button>
      <realtime-provider url=${ctx.hub.wsUrl} token=${token}><critical-alerts></critical-alerts></realtime-provider>
    </div>`);
    const provider = page.querySelector<RealtimeProvider>('realtime-provider')!;
    const alerts = page.querySelector<CriticalAlerts>('critical-alerts')!;
    await waitUntil(() => isLive(provider.store), 'live', { timeout: 8000 });
    await notify(
      sub,
      { title: 'Database is down', priority: 'critical' },
      { title: 'API is down', priority: 'critical' },
    );
    await waitUntil(() => shadow(alerts).querySelectorAll('[part~="toast"]').length === 2, 'two toasts');

    const before = page.querySelector<HTMLButtonElement>('#before')!;
    before.focus();
    one<HTMLButtonElement>(alerts, '[part~="dismiss"]').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shadow(alerts).querySelectorAll('[part~="toast"]').length === 1, 'one toast left');
    expect(shadow(alerts).activeElement?.getAttribute('part'), 'the next toast').to.equal('dismiss');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shadow(alerts).querySelectorAll('[part~="toast"]').length === 0, 'no toast left');
    await alerts.updateComplete;
    expect(document.activeElement, 'back on the button focused before the toasts').to.equal(before);

    // Came from nowhere focusable (a click on the page): the region, not the page.
    await notify(sub, { title: 'Payments are down', priority: 'critical' });
    await waitUntil(() => shadow(alerts).querySelectorAll('[part~="toast"]').length === 1, 'a new toast');
    before.remove();
    one<HTMLButtonElement>(alerts, '[part~="dismiss"]').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shadow(alerts).querySelectorAll('[part~="toast"]').length === 0, 'dismissed');
    await alerts.updateComplete;
    expect(document.activeElement).to.equal(alerts);
    expect(shadow(alerts).activeElement?.getAttribute('part')).to.equal('list');
    await expect(alerts).to.be.accessible();
  });

  it('Escape on the clear confirmation closes it, not the popover; the confirmation is gone on reopening', async () => {
    const sub = user();
    const token = await hubToken(sub);
    const { provider, el: bell } = await withProvider<NotificationBell>(
      ctx.hub,
      token,
      html`<notification-bell></notification-bell>`,
      'notification-bell',
    );
    await notify(sub, { title: 'Something happened' });
    await waitUntil(() => provider.store?.getState().notifications.length === 1, 'listed');
    one<HTMLButtonElement>(bell, 'button').click();
    await waitUntil(() => bell.open, 'open');
    // Opening focuses the center's selected tab.
    await waitUntil(() => deepActive()?.getAttribute('role') === 'tab', 'focus in the center');
    const panel = one(bell, '[part~="panel"]');
    const center = panel.querySelector<AdminNotificationCenter>('admin-notification-center')!;
    await center.updateComplete;
    const confirmShown = () => shadow(center).querySelector('.confirm') !== null;

    button(center, 'Clear').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(confirmShown, 'asks first');
    expect(deepActive()?.hasAttribute('data-confirm')).to.equal(true);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !confirmShown(), 'question withdrawn');
    expect(panel.matches(':popover-open'), 'popover still open').to.equal(true);
    expect(bell.open).to.equal(true);
    expect(text(deepActive()), 'focus back on Clear').to.equal('Clear');
    expect(provider.store?.getState().notifications.length, 'nothing cleared').to.equal(1);
    // A second Escape, outside the question, closes the popover as before.
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !bell.open, 'closed');

    // Closed while asking: the question does not wait for the next opening.
    one<HTMLButtonElement>(bell, 'button').click();
    await waitUntil(() => bell.open, 'open again');
    await waitUntil(() => deepActive()?.getAttribute('role') === 'tab', 'focus in the center again');
    button(center, 'Clear').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(confirmShown, 'asks again');
    one<HTMLButtonElement>(bell, 'button').click();
    await waitUntil(() => !bell.open, 'closed by the bell');
    one<HTMLButtonElement>(bell, 'button').click();
    await waitUntil(() => bell.open, 'reopened');
    await center.updateComplete;
    expect(confirmShown(), 'no question on reopening').to.equal(false);
    expect(provider.store?.getState().notifications.length).to.equal(1);
  });
});
