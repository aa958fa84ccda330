/**
 * A short alert beep with Web Audio. Browsers refuse to start audio before the page has seen a
 * user gesture, so the AudioContext is created lazily, only once the page has been activated
 * (`navigator.userActivation`, or a trusted pointer/key event where that API is missing). Before
 * that, `play()` is silent instead of raising autoplay errors.
 */
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

type AudioContextCtor = new () => AudioContext;

export class AlertSound {
  #context: AudioContext | undefined;
  #gestured = false;
  #listening = false;

  readonly #onGesture = (event: Event): void => {
    if (!event.isTrusted) return;
    this.#gestured = true;
    this.#stopListening();
  };

  /** Whether the page has had a user gesture, so audio may start. */
  get allowed(): boolean {
    const activation = globalThis.navigator?.userActivation;
    return activation ? activation.hasBeenActive : this.#gestured;
  }

  /** Starts watching for the first gesture (only needed where `userActivation` is missing). */
  attach(): void {
    if (this.#listening || this.#gestured || globalThis.navigator?.userActivation) return;
    this.#listening = true;
    for (const type of GESTURES) window.addEventListener(type, this.#onGesture, { capture: true, passive: true });
  }

  /** Stops listening and releases the audio device. */
  detach(): void {
    this.#stopListening();
    const context = this.#context;
    this.#context = undefined;
    void context?.close().catch(() => undefined);
  }

  /** Plays one beep when allowed; otherwise does nothing. */
  play(): void {
    if (!this.allowed) return;
    // Looked up at call time, so a page (or a test) may install its own AudioContext.
    const Ctor =
      (globalThis as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor }).AudioContext ??
      (globalThis as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext;
    if (!Ctor) return;
    try {
      this.#context ??= new Ctor();
      const context = this.#context;
      if (context.state === 'suspended') void context.resume().catch(() => undefined);
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      const start = context.currentTime;
      oscillator.type = 'sine';
      oscillator.frequency.setValueAtTime(880, start);
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
      oscillator.connect(gain).connect(context.destination);
      oscillator.onended = () => {
        oscillator.disconnect();
        gain.disconnect();
      };
      oscillator.start(start);
      oscillator.stop(start + 0.4);
    } catch {
      // No audio device or a refused context: the visible toast is the alert.
    }
  }

  #stopListening(): void {
    if (!this.#listening) return;
    this.#listening = false;
    for (const type of GESTURES) window.removeEventListener(type, this.#onGesture, { capture: true });
  }
}
