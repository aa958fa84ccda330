/**
 * The escalation ladder (`--escalation JSON`): per priority, how long after a notification each
 * channel's step is due. Durations are strict: an integer and a unit, `90s`, `2m`, `1h`, `1d`.
 */
import { PRIORITIES, type Priority } from '../../core/protocol.js';
import type { EscalationChannelName, EscalationStepPlan } from '../backend.js';

/** Delay (ms) of each channel's step, per priority. */
export type EscalationLadder = Partial<Record<Priority, Partial<Record<EscalationChannelName, number>>>>;

/** The ladder without `--escalation` (DESIGN.md). */
export const DEFAULT_ESCALATION_JSON = '{"critical":{"push":"2m","email":"10m"},"high":{"push":"15m","email":"1h"}}';

const CHANNELS: readonly EscalationChannelName[] = ['push', 'email'];
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest step delay: a notification is kept for days, a step beyond a week helps no one. */
export const MAX_STEP_MS = 7 * UNIT_MS.d;

/** `90s`, `2m`, `1h`, `1d` in ms; throws with what is wrong. */
export function parseDuration(text: unknown, field: string): number {
  if (typeof text !== 'string') throw new Error(`${field}: must be a duration string such as "90s", "2m" or "1h"`);
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text);
  if (!m)
    throw new Error(
      `${field}: "${text}" is not a duration; write an integer and a unit: s, m, h or d ("90s", "2m", "1h")`,
    );
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms > MAX_STEP_MS) throw new Error(`${field}: "${text}" is longer than the 7d a step may wait`);
  return ms;
}

/** Parses `--escalation` JSON; throws with the field at fault. */
export function parseEscalation(json: string): EscalationLadder {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`is not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('must be a JSON object keyed by priority, e.g. {"critical":{"push":"2m","email":"10m"}}');
  const ladder: EscalationLadder = {};
  for (const [priority, steps] of Object.entries(value)) {
    if (!(PRIORITIES as readonly string[]).includes(priority))
      throw new Error(`${priority}: not a priority (one of ${PRIORITIES.join(', ')})`);
    if (typeof steps !== 'object' || steps === null || Array.isArray(steps))
      throw new Error(`${priority}: must be an object of channel to duration, e.g. {"email":"10m"}`);
    const rungs: Partial<Record<EscalationChannelName, number>> = {};
    for (const [channel, duration] of Object.entries(steps)) {
      if (!(CHANNELS as readonly string[]).includes(channel))
        throw new Error(`${priority}.${channel}: not a channel (one of ${CHANNELS.join(', ')})`);
      rungs[channel as EscalationChannelName] = parseDuration(duration, `${priority}.${channel}`);
    }
    ladder[priority as Priority] = rungs;
  }
  return ladder;
}

/** The steps of a notification of `priority` on the channels configured. */
export function planSteps(
  ladder: EscalationLadder,
  priority: Priority,
  channels: ReadonlySet<EscalationChannelName>,
): EscalationStepPlan[] {
  const rungs = ladder[priority] ?? {};
  return CHANNELS.flatMap((channel) => {
    const delayMs = rungs[channel];
    return delayMs !== undefined && channels.has(channel) ? [{ channel, delayMs }] : [];
  });
}
