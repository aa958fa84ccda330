/**
 * Paces how list elements take in arrivals. The store notifies at most once a frame, and all
 * elements render in that frame's task; under a flood every frame brings more arrivals than a list
 * has rows, so every frame would rebuild every row of every list, which costs far more than a
 * frame has (and nobody can read lists that change that fast). The first arrivals after a quiet
 * spell show at once, unless another list took in arrivals in this frame: then on the next turn.
 * While more keep coming, a list takes them in at most once per its interval, on a turn of its
 * own: a task after the frame, one list per frame, so no task or frame builds or lays out two
 * rebuilt lists. Anything else (a read flag, a new snapshot, the connection) shows at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { pacingClock } from './clock.js';

const now = (): number => pacingClock.now();

/**
 * Under a flood, a list takes in arrivals at most this often (ms). Shorter than the center's
 * announcer settle window, so a burst taken in over two turns is still one announcement.
 */
export const ARRIVALS_EVERY_MS = 250;

/** Pacers waiting for a turn, each from its `readyAt`. */
const waiting = new Set<ArrivalPacer<unknown>>();
let nextTurn: ReturnType<typeof setTimeout> | undefined;
/** The frame after a list took in arrivals: the next turn waits for it, so one frame lays out one list. */
let turnFrame: number | undefined;

/** A list took in arrivals now: no other list does before the next frame. */
function tookTurn(): void {
  turnFrame ??= requestAnimationFrame(() => {
    turnFrame = undefined;
    planTurn();
  });
}

function planTurn(): void {
  if (nextTurn !== undefined || turnFrame !== undefined || waiting.size === 0) return;
  let first = Number.POSITIVE_INFINITY;
  for (const pacer of waiting) first = Math.min(first, pacer.readyAt);
  nextTurn = setTimeout(takeTurn, Math.max(0, first - now()));
}

function takeTurn(): void {
  nextTurn = undefined;
  let next: ArrivalPacer<unknown> | undefined;
  for (const pacer of waiting) if (!next || pacer.readyAt < next.readyAt) next = pacer;
  if (!next) return;
  if (next.readyAt > now()) {
    planTurn();
    return;
  }
  waiting.delete(next);
  next.release();
  tookTurn();
}

/** Pacers whose host is connected: with none left, nothing is kept off a frame. */
let connected = 0;

/**
 * No list waits: no timer is left behind (an element removed mid-flood). The frame request stays
 * while a list is connected (it keeps other lists off this frame); with none left it is cancelled.
 */
function stopIfIdle(): void {
  if (waiting.size > 0) return;
  clearTimeout(nextTurn);
  nextTurn = undefined;
  if (connected === 0 && turnFrame !== undefined) {
    cancelAnimationFrame(turnFrame);
    turnFrame = undefined;
  }
}

export class ArrivalPacer<T> implements ReactiveController {
  #shown: T | undefined;
  /** When arrivals were last taken in (a snapshot or a read flag do not count). */
  #arrivedAt = Number.NEGATIVE_INFINITY;
  /** Its turn came: the next render takes the latest value. */
  #due = false;
  #caughtUpPromise: Promise<void> | undefined;
  #resolveCaughtUp: (() => void) | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #intervalMs: number;
  /** Whether `latest` differs from `shown` by arrivals only. */
  readonly #arrivalsOnly: (shown: T, latest: T) => boolean;

  constructor(host: ReactiveControllerHost, intervalMs: number, arrivalsOnly: (shown: T, latest: T) => boolean) {
    this.#host = host;
    this.#intervalMs = intervalMs;
    this.#arrivalsOnly = arrivalsOnly;
    host.addController(this);
  }

  /** Whether arrivals are held back for the list's turn. */
  get holding(): boolean {
    return waiting.has(this as ArrivalPacer<unknown>);
  }

  /**
   * Settles once the arrivals held now are shown (or the host is removed): a host's
   * `updateComplete` waits for it, so awaiting it still means the DOM shows the store.
   */
  get caughtUp(): Promise<void> {
    this.#caughtUpPromise ??= new Promise((resolve) => {
      this.#resolveCaughtUp = resolve;
    });
    return this.#caughtUpPromise;
  }

  /** When its next turn may come. */
  get readyAt(): number {
    return this.#arrivedAt + this.#intervalMs;
  }

  /**
   * What to render, given the store's latest value: the latest, or, while arrivals come faster
   * than the interval, what was shown before until the list's turn (the host renders again then).
   */
  pass(latest: T): T {
    const due = this.#due;
    this.#due = false;
    if (latest === this.#shown) return latest;
    const arrivals = this.#shown !== undefined && this.#arrivalsOnly(this.#shown, latest);
    if (arrivals && !due && (this.holding || turnFrame !== undefined || now() < this.readyAt)) {
      waiting.add(this as ArrivalPacer<unknown>);
      planTurn();
      return this.#shown as T;
    }
    this.#stopWaiting();
    this.#shown = latest;
    if (arrivals) {
      this.#arrivedAt = now();
      tookTurn();
    }
    return latest;
  }

  /** Called on its turn: renders now, in the turn's task, with the latest value. */
  release(): void {
    this.#due = true;
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    connected++;
  }

  hostDisconnected(): void {
    connected--;
    this.#due = false;
    this.#stopWaiting();
  }

  #stopWaiting(): void {
    waiting.delete(this as ArrivalPacer<unknown>);
    stopIfIdle();
    this.#resolveCaughtUp?.();
    this.#caughtUpPromise = this.#resolveCaughtUp = undefined;
  }
}
