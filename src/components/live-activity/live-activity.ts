import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { ACTIVITY_TYPES, type ActivityEvent } from '../../core/protocol.js';
import { Announcer } from '../shared/announcer.js';
import { ARRIVALS_EVERY_MS, ArrivalPacer } from '../shared/arrival-pacer.js';
import { ClockController } from '../shared/clock.js';
import { enActivity } from '../shared/locales/en.js';
import { formatDateTime, formatRelative, localeRevision, msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { repeat } from '../shared/repeat.js';
import { tokens } from '../shared/tokens.styles.js';
import { typeIcon, typeKey, typeLabel, userLabel } from './activity-types.js';
import { FollowEnd } from './follow-end.js';
import { styles } from './live-activity.styles.js';

const NO_ACTIVITY: readonly ActivityEvent[] = [];

/** How close to the end (px) still counts as "at the newest entry". */
const FOLLOW_SLACK_PX = 8;

/**
 * Entries rendered while the feed follows the newest (it shows about ten at its default height):
 * under a flood every arrival batch replaces them all, so rows nobody sees would be built for
 * nothing. Paused, the feed renders up to `max` entries to scroll back through.
 */
const FOLLOW_ROWS = 20;

/**
 * A live feed of what admins and users do, with a type icon and colour per entry, filters by
 * type and by user, and auto-scroll.
 *
 * The feed reads like a log: oldest at the top, newest at the bottom. While the reader is at the
 * bottom it follows new entries, and only the newest 20 are rendered; scrolling up pauses it, the
 * feed then shows up to `max` entries and stays still (entries that arrive are counted, not
 * inserted) until the reader presses Resume or scrolls back down.
 * New entries are announced politely, at most once per `announce-interval`, summarised when
 * several arrive together.
 *
 * @tag live-activity
 * @summary Live activity feed with filters and pausable auto-scroll.
 *
 * @csspart base - The wrapper.
 * @csspart filters - The filter bar.
 * @csspart type-filter - The type select.
 * @csspart user-filter - The user select.
 * @csspart feed - The scrolling container (focusable, so it scrolls by keyboard).
 * @csspart list - The list of entries.
 * @csspart entry - One entry (has `data-type`).
 * @csspart type - An entry's icon badge, coloured by type.
 * @csspart user - Who acted.
 * @csspart action - What they did.
 * @csspart detail - Extra detail.
 * @csspart time - The relative time (full time in its title).
 * @csspart empty - The "no activity" line.
 * @csspart paused - The "Paused — N new" bar.
 * @csspart resume - The Resume button.
 * @csspart announcer - The visually hidden polite live region.
 *
 * @cssproperty [--realtime-activity-height=20rem] - Maximum height of the feed before it scrolls.
 * @cssproperty [--realtime-activity-authentication=#8250df] - Colour of authentication entries.
 * @cssproperty [--realtime-activity-agents=var(--realtime-color-info)] - Colour of agent entries.
 * @cssproperty [--realtime-activity-billing=var(--realtime-color-ok)] - Colour of billing entries.
 * @cssproperty [--realtime-activity-contacts=#bc4c00] - Colour of contact entries.
 * @cssproperty [--realtime-activity-other=var(--realtime-text-muted)] - Colour of any other type.
 */
export class LiveActivity extends RealtimeElement {
  static override styles = [tokens, styles];
  static override properties: PropertyDeclarations = {
    max: { type: Number },
    filterType: { attribute: 'filter-type' },
    filterUser: { attribute: 'filter-user' },
    announceInterval: { type: Number, attribute: 'announce-interval' },
    paused: { type: Boolean, reflect: true },
    frozen: { state: true, attribute: false },
  };

  constructor() {
    super(enActivity);
  }

  /** How many entries are shown at most (newest kept); while following, the newest 20 of them. */
  max = 50;

  /** Show only this activity type ('' = all). */
  filterType = '';

  /** Show only this user id ('' = all). */
  filterUser = '';

  /** Minimum ms between two screen-reader announcements of new entries. */
  announceInterval = 5000;

  /** Whether auto-scroll is paused because the reader scrolled away; set false to resume. */
  paused = false;

  /** The list as it was when the reader paused; shown instead of the live one until resume. */
  private frozen: readonly ActivityEvent[] | null = null;

  get #feed(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('.feed') ?? null;
  }

  readonly #activity = this.select((s) => s.activity);
  readonly #pacer = new ArrivalPacer<readonly ActivityEvent[]>(
    this,
    ARRIVALS_EVERY_MS,
    (shown, latest) => shown.length > 0 && (latest[0]?.seq ?? 0) > (shown[0]?.seq ?? 0),
  );
  /** The store's activity as this render shows it (arrivals paced). */
  #live: readonly ActivityEvent[] = NO_ACTIVITY;
  /** Re-renders when the first snapshot lands, even if it holds no activity (sets the baseline). */
  readonly #loading = this.select((s) => s.loading);
  readonly #clock = new ClockController(this);
  readonly #announcer = new Announcer(this, {
    summary: (count) => msg('activity.announce', { count }),
    intervalMs: () => this.announceInterval,
  });
  readonly #followEnd = new FollowEnd(this, {
    scroller: () => this.#feed,
    content: () => this.renderRoot.querySelector('.list, .empty'),
    following: () => !this.paused,
  });
  /** The feed's scroll height just before pausing rendered the older entries above. */
  #heightBeforePause: number | undefined;
  /** Highest seq already announced; undefined until the first snapshot is in. */
  #announcedSeq: number | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#live = this.#pacer.pass(this.#activity.value ?? NO_ACTIVITY);
    if (changed.has('paused')) {
      if (this.paused && !this.frozen) {
        this.frozen = this.#live;
        // Older entries render above what the reader sees: keep that in place (read once, on pausing).
        this.#heightBeforePause = this.#feed?.scrollHeight;
      }
      if (!this.paused) this.frozen = null;
    }
    this.#announceNew();
  }

  override render() {
    const live = this.#live;
    const max = Math.max(0, this.max);
    const shown = (this.frozen ?? live)
      .filter((e) => this.#passesFilters(e))
      .slice(0, this.paused ? max : Math.min(max, FOLLOW_ROWS));
    const filtered = this.filterType !== '' || this.filterUser !== '';
    const now = this.#clock.now;
    return html`<section part="base" class="base" aria-label=${msg('activity.label')}>
      <div part="filters" class="filters">${this.#renderFilters(live)}</div>
      ${this.paused ? this.#renderPaused(this.#newSincePause(live)) : nothing}
      <div part="feed" class="feed" tabindex="0" role="region" aria-label=${msg('activity.feed')} @scroll=${this.#onScroll}>
        ${
          shown.length === 0
            ? html`<p part="empty" class="empty">${msg(filtered ? 'activity.emptyFiltered' : 'activity.empty')}</p>`
            : html`<ol part="list" class="list">
              ${repeat(
                [...shown].reverse(),
                (e) => e.id,
                (e) => {
                  const time = formatRelative(e.at, now);
                  // Entries never change: only render one again when its time or language did.
                  return guard([e, time, localeRevision()], () => this.#renderEntry(e, time));
                },
              )}
            </ol>`
        }
      </div>
      ${this.#announcer.render('announcer')}
    </section>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const before = this.#heightBeforePause;
    this.#heightBeforePause = undefined;
    if (before !== undefined && this.#feed) this.#feed.scrollTop += this.#feed.scrollHeight - before;
    // Resumed: the live list replaced the frozen one, maybe at the same height, which the
    // observer would not report.
    if (changed.get('paused') === true && !this.paused) this.#followEnd.follow();
  }

  /** Also waits for arrivals held back for the list's turn, so the DOM shows the store after it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    if (!this.#pacer.holding) return done;
    await this.#pacer.caughtUp;
    return super.getUpdateComplete();
  }

  /** Stops following new entries (as scrolling up does). */
  pause(): void {
    this.paused = true;
  }

  /** Shows everything that arrived while paused and follows new entries again. */
  resume(): void {
    this.paused = false;
  }

  #passesFilters(e: ActivityEvent): boolean {
    return (
      (this.filterType === '' || e.type === this.filterType) &&
      (this.filterUser === '' || e.user.id === this.filterUser)
    );
  }

  #newSincePause(live: readonly ActivityEvent[]): number {
    const since = this.frozen?.[0]?.seq ?? Number.NEGATIVE_INFINITY;
    return live.filter((e) => e.seq > since && this.#passesFilters(e)).length;
  }

  #renderFilters(live: readonly ActivityEvent[]) {
    const types = new Set<string>([...ACTIVITY_TYPES, ...live.map((e) => e.type)]);
    if (this.filterType) types.add(this.filterType);
    const users = new Map<string, string>();
    for (const e of live) if (!users.has(e.user.id)) users.set(e.user.id, userLabel(e.user));
    if (this.filterUser && !users.has(this.filterUser)) users.set(this.filterUser, this.filterUser);
    const sortedUsers = [...users].sort((a, b) => a[1].localeCompare(b[1]));
    return html`<label class="filter">
        <span>${msg('activity.filter.type')}</span>
        <select part="type-filter" .value=${this.filterType} @change=${this.#onTypeChange}>
          <option value="" ?selected=${this.filterType === ''}>${msg('activity.filter.allTypes')}</option>
          ${[...types].map((t) => html`<option value=${t} ?selected=${t === this.filterType}>${typeLabel(t)}</option>`)}
        </select>
      </label>
      <label class="filter">
        <span>${msg('activity.filter.user')}</span>
        <select part="user-filter" .value=${this.filterUser} @change=${this.#onUserChange}>
          <option value="" ?selected=${this.filterUser === ''}>${msg('activity.filter.allUsers')}</option>
          ${sortedUsers.map(([id, label]) => html`<option value=${id} ?selected=${id === this.filterUser}>${label}</option>`)}
        </select>
      </label>`;
  }

  #renderPaused(count: number) {
    return html`<div part="paused" class="paused">
      <span>${count > 0 ? msg('activity.pausedNew', { count }) : msg('activity.paused')}</span>
      <button part="resume" type="button" @click=${this.#onResumeClick}>${msg('activity.resume')}</button>
    </div>`;
  }

  #renderEntry(e: ActivityEvent, time: string) {
    const key = typeKey(e.type);
    return html`<li part="entry" class="entry" data-type=${key}>
      <span part="type" class="type type-${key}" title=${typeLabel(e.type)}>
        ${typeIcon(e.type)}<span class="visually-hidden">${typeLabel(e.type)}:</span>
      </span>
      <div class="body">
        <span part="user" class="user">${userLabel(e.user)}</span>
        <span part="action" class="action">${e.action}</span>
        ${e.detail ? html`<span part="detail" class="detail">${e.detail}</span>` : nothing}
      </div>
      <time part="time" class="time" datetime=${e.at} title=${formatDateTime(e.at)}
        >${time}</time
      >
    </li>`;
  }

  /** Announces entries newer than the last announced one; the first snapshot is not news. */
  #announceNew(): void {
    const live = this.#live;
    if (this.#loading.value !== false) return;
    const newest = live[0]?.seq ?? 0;
    if (this.#announcedSeq === undefined) {
      this.#announcedSeq = newest;
      return;
    }
    const since = this.#announcedSeq;
    if (newest <= since) return;
    this.#announcedSeq = newest;
    const fresh = live.filter((e) => e.seq > since && this.#passesFilters(e)).reverse();
    this.#announcer.add(fresh.map((e) => msg('activity.announceEntry', { user: userLabel(e.user), action: e.action })));
  }

  #onScroll(): void {
    const feed = this.#feed;
    if (!feed) return;
    const atEnd = feed.scrollHeight - feed.scrollTop - feed.clientHeight <= FOLLOW_SLACK_PX;
    if (!atEnd && !this.paused) this.pause();
    else if (atEnd && this.paused) this.resume();
  }

  #onResumeClick(): void {
    this.resume();
    // The button goes away with the pause; keep keyboard focus in the feed.
    this.#feed?.focus();
  }

  #onTypeChange(event: Event): void {
    this.filterType = (event.target as HTMLSelectElement).value;
  }

  #onUserChange(event: Event): void {
    this.filterUser = (event.target as HTMLSelectElement).value;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-activity': LiveActivity;
  }
}
