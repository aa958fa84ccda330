/**
 * Leader election with Web Locks: every tab of a share name queues for one exclusive lock; the
 * holder leads until it releases (closing, frozen, into the back/forward cache) or another tab
 * steals the lock from a leader that stopped answering. The browser guarantees one holder at a
 * time, and frees the lock of a tab that crashes or closes, so there is no timer-based voting to
 * go wrong when background timers are throttled.
 */

/** The part of `navigator.locks` used here. */
interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal; steal?: boolean; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<void>;
}

/** What the election tells its owner. */
export interface ElectionHandlers {
  /** This tab holds the lock now. */
  onLead(): void;
  /** This tab lost the lock it held (stolen by another tab), or the request failed. */
  onLost(): void;
}

/** One tab's place in the queue for a share name's lock. */
export class Election {
  readonly #name: string;
  readonly #handlers: ElectionHandlers;
  #abort: AbortController | null = null;
  #release: (() => void) | null = null;
  /** Bumped by every queue or steal; a late callback from an older one is ignored. */
  #round = 0;

  constructor(name: string, handlers: ElectionHandlers) {
    this.#name = name;
    this.#handlers = handlers;
  }

  /** Whether this tab holds the lock. */
  get leading(): boolean {
    return this.#release !== null;
  }

  /** Queues for the lock (a no-op while queued or leading). */
  queue(): void {
    if (this.#abort || this.#release) return;
    this.#request(false);
  }

  /** Takes the lock now from a holder that stopped answering (it learns when it runs again). */
  steal(): void {
    if (this.#release) return;
    this.#cancel();
    this.#request(true);
  }

  /** Takes the lock only if no tab holds it; true when this tab holds it now (no `onLead`). */
  take(): Promise<boolean> {
    if (this.#release) return Promise.resolve(true);
    this.#cancel();
    const round = ++this.#round;
    return new Promise<boolean>((resolve) => {
      this.#locks()
        .request(this.#name, { ifAvailable: true }, (lock) => {
          if (lock === null || round !== this.#round) {
            resolve(false);
            return Promise.resolve();
          }
          resolve(true);
          return new Promise<void>((release) => {
            this.#release = release;
          });
        })
        .catch(() => {
          if (round !== this.#round) return;
          this.#release = null;
          this.#handlers.onLost();
        });
    });
  }

  /** Leaves the queue, or releases the lock when holding it. */
  leave(): void {
    this.#round++;
    this.#cancel();
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  #request(steal: boolean): void {
    const round = ++this.#round;
    const abort = new AbortController();
    this.#abort = abort;
    // A steal may not carry a signal; it is granted at once anyway.
    const options = steal ? { steal: true } : { signal: abort.signal };
    this.#locks()
      .request(
        this.#name,
        options,
        () =>
          new Promise<void>((resolve) => {
            if (round !== this.#round) {
              resolve();
              return;
            }
            this.#abort = null;
            this.#release = resolve;
            this.#handlers.onLead();
          }),
      )
      .catch(() => {
        // Aborted by us (leave, steal), or stolen by another tab while we held it.
        if (round !== this.#round) return;
        this.#abort = null;
        this.#release = null;
        this.#handlers.onLost();
      });
  }

  #locks(): LockManagerLike {
    return (navigator as unknown as { locks: LockManagerLike }).locks;
  }

  #cancel(): void {
    const abort = this.#abort;
    this.#abort = null;
    abort?.abort();
  }
}
