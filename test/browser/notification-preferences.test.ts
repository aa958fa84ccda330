import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import '../../src/components/notification-preferences/index.js';
import type { NotificationPreferences } from '../../src/components/notification-preferences/notification-preferences.js';
import type { RealtimeProvider } from '../../src/components/realtime-provider/realtime-provider.js';
import { setLocale } from '../../src/components/shared/localize.js';
import type { Preferences } from '../../src/core/protocol.js';
import { all, hubToken, isLive, liveClient, one, shadow, text, useHub } from './widget-hub.js';

/** The checkbox named `name`, by its aria-label or its label's text. */
const box = (el: NotificationPreferences, name: string) =>
  all<HTMLInputElement>(el, 'input[type="checkbox"]').find(
    (i) => (i.getAttribute('aria-label') ?? text(i.closest('label'))) === name,
  );
const status = (el: NotificationPreferences) => text(one(el, '[part~="status"]'));
const formShown = (el: NotificationPreferences) => shadow(el).querySelector('form') !== null;

/** Toggles a checkbox as a click does (the element listens for `change`). */
function click(input: HTMLInputElement | HTMLButtonElement | undefined): void {
  if (!input) throw new Error('no such control');
  input.click();
}

function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

const nights: Preferences = {
  channels: { security: { inApp: true, push: true, email: false } },
  quietHours: { timeZone: 'Asia/Kolkata', windows: [{ days: [0, 6], start: '23:00', end: '06:30' }] },
  emailDigest: 'hourly',
};

describe('<notification-preferences>', () => {
  const ctx = useHub({ resetLocale: true });
  let sub = 0;

  /** The element inside a provider for a fresh admin, its form loaded from the hub. */
  async function mount(): Promise<{ el: NotificationPreferences; token: string; provider: RealtimeProvider }> {
    const token = await hubToken(`prefs-admin-${++sub}`);
    const root = await fixture<HTMLElement>(html`<div>
      <button id="before">before</button>
      <realtime-provider url=${ctx.hub.wsUrl} token=${token}><notification-preferences></notification-preferences></realtime-provider>
    </div>`);
    const provider = root.querySelector<RealtimeProvider>('realtime-provider')!;
    const el = root.querySelector<NotificationPreferences>('notification-preferences')!;
    await waitUntil(() => isLive(provider.store) && formShown(el), 'preferences loaded', { timeout: 8000 });
    return { el, token, provider };
  }

  it('lists each category with a labelled checkbox per channel, all on by default, and is accessible', async () => {
    const { el } = await mount();
    const rows = all(el, 'tbody tr');
    expect(rows.map((r) => text(r.querySelector('th')))).to.deep.equal([
      'System',
      'Security',
      'Billing',
      'Agents',
      'Users',
      'Calls',
    ]);
    expect(all(el, 'thead th').map((th) => text(th))).to.deep.equal(['Category', 'In-app', 'Push', 'Email']);
    const boxes = all<HTMLInputElement>(el, 'tbody input[type="checkbox"]');
    expect(boxes.length).to.equal(18);
    expect(boxes.every((b) => b.checked)).to.equal(true);
    expect(box(el, 'Push for Billing')).to.not.equal(undefined);
    expect(box(el, 'In-app for System')).to.not.equal(undefined);
    expect(one(el, '[part~="status"]').getAttribute('role')).to.equal('status');
    expect(shadow(el).querySelector('[part~="enable-push"]'), 'no push button without a push config').to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('with push set, the enable button asks the browser and says why push stays off when notifications are blocked', async () => {
    await executeServerCommand('push-permission', { origin: location.origin, setting: 'denied' });
    try {
      const { el } = await mount();
      el.push = { serviceWorkerUrl: '/admin-realtime-sw.js' };
      await el.updateComplete;
      const button = one<HTMLButtonElement>(el, '[part~="enable-push"]');
      expect(one(el, '[part~="push-status"]').getAttribute('role')).to.equal('status');
      await expect(el).to.be.accessible();
      click(button);
      await waitUntil(() => text(one(el, '[part~="push-status"]')) !== '', 'the outcome shown', { timeout: 8000 });
      expect(text(one(el, '[part~="push-status"]'))).to.equal(
        "This browser blocks notifications from this site: allow them in the browser's site settings.",
      );
      expect(button.disabled, 'can be tried again once allowed').to.equal(false);
    } finally {
      await executeServerCommand('push-permission', { origin: location.origin, setting: 'prompt' });
    }
  });

  it('saves channels, quiet hours and digest to the hub; another session of the admin gets them', async () => {
    const { el, token } = await mount();
    const other = await liveClient(ctx.hub, token);
    ctx.clients.push(other);
    click(box(el, 'Push for Billing'));
    click(box(el, 'Email for Billing'));
    click(box(el, 'Hold push and email during quiet hours'));
    await el.updateComplete;
    choose(one<HTMLSelectElement>(el, '[part~="quiet-hours"] select'), 'Europe/Berlin');
    choose(one<HTMLSelectElement>(el, '[part~="digest"]'), 'daily');
    await el.updateComplete;
    await expect(el).to.be.accessible();
    const saved = oneEvent(el, 'realtime-preferences-save');
    click(one<HTMLButtonElement>(el, '[part~="save"]'));
    const { detail } = await saved;
    const expected: Preferences = {
      channels: { billing: { inApp: true, push: false, email: false } },
      quietHours: { timeZone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], start: '22:00', end: '07:00' }] },
      emailDigest: 'daily',
    };
    expect(detail.preferences).to.deep.equal(expected);
    await waitUntil(() => status(el) === 'Saved', 'saved');
    await waitUntil(() => other.store.getState().preferences !== null, 'the other session heard it');
    expect(other.store.getState().preferences).to.deep.equal(expected);
  });

  it('shows a change saved in another session; with unsaved edits it says so and loads them on request', async () => {
    const { el, token } = await mount();
    const other = await liveClient(ctx.hub, token);
    ctx.clients.push(other);
    await other.store.setPreferences(nights);
    await waitUntil(() => box(el, 'Email for Security')?.checked === false, 'the pushed change shown');
    expect(one<HTMLSelectElement>(el, '[part~="digest"]').value).to.equal('hourly');
    expect(all<HTMLInputElement>(el, '[part~="window"] input[type="time"]').map((i) => i.value)).to.deep.equal([
      '23:00',
      '06:30',
    ]);

    click(box(el, 'In-app for Calls'));
    await el.updateComplete;
    expect(el.dirty).to.equal(true);
    await other.store.setPreferences({ ...nights, emailDigest: 'off' });
    await waitUntil(() => shadow(el).querySelector('[part~="notice"]'), 'notice');
    expect(text(one(el, '[part~="notice"]'))).to.contain('Changed in another session.');
    expect(one(el, '[part~="notice"]').getAttribute('role')).to.equal('alert');
    expect(box(el, 'In-app for Calls')?.checked, 'the edit is kept').to.equal(false);
    expect(one<HTMLSelectElement>(el, '[part~="digest"]').value).to.equal('hourly');
    await expect(el).to.be.accessible();
    click(one<HTMLButtonElement>(el, '[part~="notice"] button'));
    await el.updateComplete;
    expect(shadow(el).querySelector('[part~="notice"]')).to.equal(null);
    expect(one<HTMLSelectElement>(el, '[part~="digest"]').value).to.equal('off');
    expect(box(el, 'In-app for Calls')?.checked).to.equal(true);
    expect(el.dirty).to.equal(false);
  });

  it('adds and removes windows; a window without days is not saved, and says why', async () => {
    const { el } = await mount();
    click(box(el, 'Hold push and email during quiet hours'));
    await el.updateComplete;
    click(all<HTMLButtonElement>(el, 'button').find((b) => text(b) === 'Add window'));
    await el.updateComplete;
    expect(all(el, '[part~="window"]').map((w) => text(w.querySelector('legend')))).to.deep.equal([
      'Window 1',
      'Window 2',
    ]);
    click(all<HTMLButtonElement>(el, 'button').find((b) => text(b) === 'Remove window 1'));
    await el.updateComplete;
    expect(all(el, '[part~="window"]').length).to.equal(1);
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) click(box(el, day));
    await el.updateComplete;
    click(one<HTMLButtonElement>(el, '[part~="save"]'));
    await waitUntil(() => status(el).startsWith('Not saved'), 'refused');
    expect(status(el)).to.equal('Not saved: quietHours.windows[0].days: must have at least 1 items');
  });

  it('works from the keyboard: Tab into the table, Space toggles, Tab on to Save and Enter saves', async () => {
    const { el, provider } = await mount();
    document.querySelector<HTMLButtonElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(shadow(el).activeElement?.getAttribute('aria-label')).to.equal('In-app for System');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    expect(box(el, 'Push for System')?.checked).to.equal(false);
    for (let i = 0; i < 40 && shadow(el).activeElement?.getAttribute('part') !== 'save'; i++) {
      await sendKeys({ press: 'Tab' });
    }
    expect(shadow(el).activeElement?.getAttribute('part')).to.equal('save');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => status(el) === 'Saved', 'saved from the keyboard');
    expect(provider.store!.getState().preferences?.channels).to.deep.equal({
      system: { inApp: true, push: false, email: true },
    });
  });

  it('speaks German', async () => {
    await setLocale('de');
    const { el } = await mount();
    await waitUntil(() => text(one(el, 'legend')) === 'Kanäle', 'German');
    expect(box(el, 'Push für Abrechnung')).to.not.equal(undefined);
    expect(text(one(el, '[part~="save"]'))).to.equal('Speichern');
    await expect(el).to.be.accessible();
  });
});
