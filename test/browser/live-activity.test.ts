import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/components/live-activity/index.js';
import type { LiveActivity } from '../../src/components/live-activity/live-activity.js';
import { setLocale } from '../../src/components/shared/localize.js';
import { all, liveClient, one, publish, shadow, text, useHub, withProvider } from './widget-hub.js';

const activity = (type: string, action: string, user: { id: string; name?: string }, detail?: string) => ({
  kind: 'activity',
  type,
  action,
  user,
  ...(detail ? { detail } : {}),
});
const entries = (el: LiveActivity) => all(el, '[part~="entry"]');
const actions = (el: LiveActivity) => entries(el).map((e) => text(e.querySelector('[part~="action"]')));
const atBottom = (feed: HTMLElement) => feed.scrollHeight - feed.scrollTop - feed.clientHeight <= 8;
const select = async (el: LiveActivity, part: string, value: string) => {
  const control = one<HTMLSelectElement>(el, `[part~="${part}"]`);
  control.value = value;
  control.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
};

describe('<live-activity>', () => {
  const ctx = useHub({ sub: 'activity-admin', resetLocale: true });
  const ada = { id: 'u-ada', name: 'Ada Admin' };
  const bob = { id: 'u-bob', name: 'Bob Billing' };

  // Runs first: the hub has no activity yet.
  it('says so when there is no activity yet', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity></live-activity>`,
      'live-activity',
    );
    await el.updateComplete;
    expect(text(one(el, '[part~="empty"]'))).to.equal('No activity yet');
    await expect(el).to.be.accessible();
  });

  it('shows published entries with type icon, colour, user, action, detail and time, all as text', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity></live-activity>`,
      'live-activity',
    );
    await publish(
      ctx.hub,
      activity('authentication', 'signed in', ada, 'from 10.0.0.7'),
      activity('agents', 'published agent', ada, 'Support bot v3'),
      activity('billing', 'upgraded plan', bob, 'Starter → Pro'),
      activity('contacts', 'imported contacts', bob, '120 rows'),
      activity('exports', 'exported report', { id: 'u-eve', name: '<img src=x onerror="window.__xss=1">Eve' }),
    );
    await waitUntil(() => entries(el).length === 5, 'five entries');
    // Oldest at the top, newest at the bottom (a log).
    expect(actions(el)).to.deep.equal([
      'signed in',
      'published agent',
      'upgraded plan',
      'imported contacts',
      'exported report',
    ]);
    const [auth, agents, billing, contacts, other] = entries(el) as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(auth.dataset.type).to.equal('authentication');
    expect(auth.querySelector('.type-authentication svg[aria-hidden="true"]')).to.exist;
    expect(agents.querySelector('.type-agents')).to.exist;
    expect(billing.querySelector('.type-billing')).to.exist;
    expect(contacts.querySelector('.type-contacts')).to.exist;
    expect(other.dataset.type).to.equal('other');
    expect(other.querySelector('.type-other')).to.exist;
    // The type is also in words (for screen readers) and colour differs by type.
    expect(text(billing.querySelector('[part~="type"]'))).to.equal('Billing:');
    expect(text(other.querySelector('[part~="type"]'))).to.equal('Exports:');
    const colour = (entry: HTMLElement) => getComputedStyle(entry.querySelector('[part~="type"]')!).color;
    expect(new Set([auth, agents, billing, contacts, other].map(colour)).size).to.equal(5);

    expect(text(auth.querySelector('[part~="user"]'))).to.equal('Ada Admin');
    expect(text(auth.querySelector('[part~="detail"]'))).to.equal('from 10.0.0.7');
    const time = auth.querySelector('time')!;
    expect(Date.parse(time.dateTime)).to.be.closeTo(Date.now(), 60_000);
    expect(time.title).to.match(/\d{4}/);
    expect(text(time)).to.equal('just now');
    // Markup in user text stays text.
    expect(text(other.querySelector('[part~="user"]'))).to.equal('<img src=x onerror="window.__xss=1">Eve');
    expect(shadow(el).querySelector('img')).to.equal(null);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    await expect(el).to.be.accessible();
  });

  it('filters by type and by user (labelled selects), and says when nothing matches', async () => {
    const client = await liveClient(ctx.hub, ctx.token);
    ctx.clients.push(client);
    const el = await fixture<LiveActivity>(html`<live-activity .store=${client.store}></live-activity>`);
    await waitUntil(() => entries(el).length >= 5, 'snapshot entries');
    const typeSelect = one<HTMLSelectElement>(el, '[part~="type-filter"]');
    const userSelect = one<HTMLSelectElement>(el, '[part~="user-filter"]');
    expect(text(typeSelect.closest('label')!.querySelector('span'))).to.equal('Type');
    expect(text(userSelect.closest('label')!.querySelector('span'))).to.equal('User');
    expect([...typeSelect.options].map((o) => o.value)).to.include.members([
      '',
      'authentication',
      'agents',
      'billing',
      'contacts',
      'exports',
    ]);
    expect([...userSelect.options].map((o) => o.textContent?.trim())).to.include.members([
      'All users',
      'Ada Admin',
      'Bob Billing',
    ]);

    await select(el, 'type-filter', 'billing');
    expect(el.filterType).to.equal('billing');
    expect(actions(el)).to.deep.equal(['upgraded plan']);

    await select(el, 'type-filter', '');
    await select(el, 'user-filter', 'u-bob');
    expect(actions(el)).to.deep.equal(['upgraded plan', 'imported contacts']);

    // A new entry by someone else does not show under the filter; one by Bob does.
    await publish(ctx.hub, activity('agents', 'paused agent', ada), activity('contacts', 'merged contacts', bob));
    await waitUntil(() => actions(el).includes('merged contacts'), 'bob entry');
    expect(actions(el)).to.not.include('paused agent');

    await select(el, 'type-filter', 'authentication');
    expect(entries(el)).to.have.length(0);
    expect(text(one(el, '[part~="empty"]'))).to.equal('No activity matches the filters');
    await expect(el).to.be.accessible();
  });

  it('follows the newest entry, pauses when the reader scrolls up, and resumes', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity style="--realtime-activity-height: 7rem" filter-user="u-scroll"></live-activity>`,
      'live-activity',
    );
    const user = { id: 'u-scroll', name: 'Sam Scroll' };
    await publish(ctx.hub, ...Array.from({ length: 10 }, (_, i) => activity('agents', `step ${i}`, user)));
    const feed = one(el, '[part~="feed"]');
    await waitUntil(() => actions(el).at(-1) === 'step 9', 'ten entries');
    expect(feed.scrollHeight).to.be.greaterThan(feed.clientHeight);
    await waitUntil(() => atBottom(feed), 'scrolled to the newest');
    expect(el.paused).to.equal(false);

    // The reader scrolls up: the feed pauses and stays where it is.
    feed.scrollTop = 0;
    await waitUntil(() => el.paused, 'paused');
    expect(el.hasAttribute('paused')).to.equal(true);
    await publish(ctx.hub, activity('agents', 'step 10', user), activity('agents', 'step 11', user));
    await waitUntil(() => text(shadow(el).querySelector('[part~="paused"]')).startsWith('Paused — 2 new'), 'counted');
    expect(actions(el).at(-1), 'the list did not move under the reader').to.equal('step 9');
    expect(feed.scrollTop).to.equal(0);
    await expect(el).to.be.accessible();

    // Resume by keyboard: the new entries appear and the feed follows again.
    one<HTMLButtonElement>(el, '[part~="resume"]').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !el.paused, 'resumed');
    await el.updateComplete;
    expect(actions(el).slice(-2)).to.deep.equal(['step 10', 'step 11']);
    expect(atBottom(feed)).to.equal(true);
    expect(shadow(el).activeElement, 'focus kept in the feed').to.equal(feed);
    await publish(ctx.hub, activity('agents', 'step 12', user));
    await waitUntil(() => actions(el).at(-1) === 'step 12', 'followed');
    await waitUntil(() => atBottom(feed), 'still at the newest');

    // Scrolling up by keyboard pauses too.
    await sendKeys({ press: 'Home' });
    await waitUntil(() => el.paused && feed.scrollTop === 0, 'paused by keyboard, at the top');
    // Scrolling back down to the newest entry resumes as well.
    feed.scrollTop = feed.scrollHeight;
    await waitUntil(() => !el.paused, 'resumed at the end');
  });

  it('announces new entries politely, at most once per interval, summarised', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity announce-interval="1500"></live-activity>`,
      'live-activity',
    );
    const region = one(el, '[part~="announcer"]');
    expect(region.getAttribute('aria-live')).to.equal('polite');
    expect(text(region), 'the snapshot is not announced').to.equal('');
    await publish(ctx.hub, activity('authentication', 'signed out', ada));
    await waitUntil(() => text(region) === 'New activity: Ada Admin, signed out', 'one entry announced');

    const announced: string[] = [];
    const observer = new MutationObserver(() => announced.push(text(region)));
    observer.observe(region, { childList: true, subtree: true, characterData: true });
    await publish(
      ctx.hub,
      activity('agents', 'burst 1', ada),
      activity('agents', 'burst 2', ada),
      activity('agents', 'burst 3', ada),
    );
    await waitUntil(() => actions(el).includes('burst 3'), 'burst rendered');
    expect(text(region), 'not flooded while the interval runs').to.equal('New activity: Ada Admin, signed out');
    await waitUntil(() => text(region) === '3 new activities', 'summary', { timeout: 4000 });
    observer.disconnect();
    expect(announced.filter((t) => t !== '')).to.deep.equal(['3 new activities']);
  });

  it('shows at most `max` entries, the newest', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity max="2"></live-activity>`,
      'live-activity',
    );
    await waitUntil(() => entries(el).length === 2, 'two entries');
    expect(actions(el)).to.deep.equal(['burst 2', 'burst 3']);
  });

  it('is themed through custom properties and parts', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<style>
          live-activity::part(entry) {
            padding-inline-start: 9px;
          }
        </style>
        <live-activity filter-type="billing" style="--realtime-activity-billing: rgb(4, 5, 6)"></live-activity>`,
      'live-activity',
    );
    await waitUntil(() => entries(el).length > 0, 'billing entries');
    const entry = entries(el)[0]!;
    expect(getComputedStyle(entry.querySelector('[part~="type"]')!).color).to.equal('rgb(4, 5, 6)');
    expect(getComputedStyle(entry).paddingInlineStart).to.equal('9px');
  });

  it('stays readable in dark mode', async () => {
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity></live-activity>`,
      'live-activity',
    );
    await waitUntil(() => entries(el).length > 0, 'entries');
    el.pause();
    await el.updateComplete;
    try {
      await emulateMedia({ colorScheme: 'dark' });
      expect(getComputedStyle(one(el, '[part~="base"]')).backgroundColor).to.equal('rgb(22, 27, 34)');
      await expect(el).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('speaks German', async () => {
    await setLocale('de');
    const { el } = await withProvider<LiveActivity>(
      ctx.hub,
      ctx.token,
      html`<live-activity filter-type="authentication"></live-activity>`,
      'live-activity',
    );
    await waitUntil(() => entries(el).length > 0, 'entries');
    expect(text(one(el, '[part~="type-filter"]').closest('label')!.querySelector('span'))).to.equal('Typ');
    expect(text(entries(el)[0]!.querySelector('[part~="type"]'))).to.equal('Anmeldung:');
    expect(text(entries(el)[0]!.querySelector('time'))).to.equal('gerade eben');
    expect([...one<HTMLSelectElement>(el, '[part~="user-filter"]').options][0]!.textContent?.trim()).to.equal(
      'Alle Benutzer',
    );
    await expect(el).to.be.accessible();
  });

  it('renders the newest 20 entries while following, up to `max` once paused, keeping the reader in place', async () => {
    const client = await liveClient(ctx.hub, ctx.token);
    ctx.clients.push(client);
    const burst = Array.from({ length: 30 }, (_, i) => activity('agents', `window ${i}`, ada));
    await publish(ctx.hub, ...burst);
    const el = await fixture<LiveActivity>(html`<live-activity max="40" .store=${client.store}></live-activity>`);
    await waitUntil(() => actions(el).at(-1) === 'window 29', 'newest entry');
    expect(entries(el)).to.have.length(20);
    expect(actions(el)[0]).to.equal('window 10');
    const feed = one(el, '[part~="feed"]');
    await waitUntil(() => atBottom(feed), 'following the newest');

    // The reader scrolls up a little: paused, older entries render above, what they saw stays put.
    const seen = entries(el)[5]!;
    feed.scrollTop = seen.offsetTop - feed.offsetTop;
    // Within the feed (the "Paused" bar above the feed moves the feed itself).
    const inFeed = () => seen.getBoundingClientRect().top - feed.getBoundingClientRect().top;
    const before = inFeed();
    await waitUntil(() => el.paused, 'paused');
    await el.updateComplete;
    await waitUntil(() => entries(el).length > 20, 'older entries rendered');
    expect(actions(el).filter((a) => a.startsWith('window '))).to.have.length(30);
    expect(seen.isConnected, 'the same row element').to.equal(true);
    expect(Math.abs(inFeed() - before)).to.be.below(2);

    el.resume();
    await el.updateComplete;
    await waitUntil(() => entries(el).length === 20, 'back to 20 while following');
    await expect(el).to.be.accessible();
  });
});
