/**
 * The dashboard's auto-refresh timer: one interval, running only while the host is in the
 * document, an interval is chosen and the connection is up; anything else clears it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface AutoRefreshSource {
  /** Seconds between refreshes; 0 or less means off. */
  seconds(): number;
  /** Whether a refresh could be answered now (connected). */
  active(): boolean;
  refresh(): void;
}

export class AutoRefreshController implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | undefined;
  #runningEvery = 0;
  #connected = false;

  readonly #source: AutoRefreshSource;

  constructor(host: ReactiveControllerHost, source: AutoRefreshSource) {
    this.#source = source;
    host.addController(this);
  }

  /** Whether the timer is running (for tests and integrators). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  hostConnected(): void {
    this.#connected = true;
  }

  hostUpdated(): void {
    const seconds = this.#source.seconds();
    const wanted = this.#connected && seconds > 0 && this.#source.active() ? seconds : 0;
    if (wanted === this.#runningEvery) return;
    this.#stop();
    if (!wanted) return;
    this.#runningEvery = wanted;
    this.#timer = setInterval(() => this.#source.refresh(), wanted * 1000);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#runningEvery = 0;
  }
}
