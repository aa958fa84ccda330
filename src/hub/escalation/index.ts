/**
 * Escalation as the hub configures it: the ladder, the email channel from `smtp`, any other
 * channel given (Web Push), and the engine over the hub's backend. Off when no channel is set.
 */
import type { HubBackend } from '../backend.js';
import type { Logger } from '../log.js';
import type { EscalationChannel } from './channel.js';
import { createEmailChannel } from './email.js';
import { createEscalationEngine, type EscalationEngine, type EscalationOptions } from './engine.js';
import { DEFAULT_ESCALATION_JSON, type EscalationLadder, parseEscalation } from './ladder.js';

export type {
  DigestChannel,
  EscalationChannel,
  EscalationDecision,
  EscalationPolicy,
  EscalationTarget,
} from './channel.js';
export { createEmailChannel, type EmailChannelOptions } from './email.js';
export { type DigestMode, ESCALATION_DEFAULTS, type EscalationEngine } from './engine.js';
export { DEFAULT_ESCALATION_JSON, type EscalationLadder, parseDuration, parseEscalation } from './ladder.js';

/** The hub's `escalation` option. */
export interface HubEscalationOptions extends Partial<Omit<EscalationOptions, 'ladder' | 'channels'>> {
  /** Delays per priority and channel, parsed or as `--escalation` JSON; default `DEFAULT_ESCALATION_JSON`. */
  ladder?: EscalationLadder | string;
  /** Email over SMTP: `url` (`smtp://user:pass@host:587`), `from` address. */
  smtp?: { url: string; from: string; lang?: string };
  /** Other channels (e.g. `createPushChannel(…)`). */
  channels?: readonly EscalationChannel[];
}

/** The engine for `options`, and what closing it takes; null when no channel is configured. */
export function createHubEscalation(
  options: HubEscalationOptions | undefined,
  ctx: {
    backend: HubBackend;
    log: Logger;
    now: () => number;
    node?: string | undefined;
    mask?: (text: string) => string;
  },
): { engine: EscalationEngine; close(): Promise<void> } | null {
  if (!options) return null;
  let ladder: EscalationLadder;
  try {
    ladder =
      typeof options.ladder === 'object' ? options.ladder : parseEscalation(options.ladder ?? DEFAULT_ESCALATION_JSON);
  } catch (err) {
    throw new Error(`escalation.ladder: ${(err as Error).message}`);
  }
  // An SMTP URL that is not one throws here, before the hub listens.
  const email = options.smtp
    ? createEmailChannel({
        smtpUrl: options.smtp.url,
        from: options.smtp.from,
        ...(options.smtp.lang ? { lang: options.smtp.lang } : {}),
      })
    : null;
  const channels = [...(options.channels ?? []), ...(email ? [email] : [])];
  if (!channels.length) return null;
  const engine = createEscalationEngine({
    ...options,
    ladder,
    channels,
    backend: ctx.backend,
    log: ctx.log,
    now: ctx.now,
    ...(ctx.node ? { node: ctx.node } : {}),
    ...(ctx.mask ? { mask: ctx.mask } : {}),
  });
  return {
    engine,
    async close() {
      await engine.close();
      email?.close();
    },
  };
}
