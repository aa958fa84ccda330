/** Durations as people write them in flags and files: `90s`, `15m`, `24h`, `7d`. */

/** Seconds in a duration (`90s`, `15m`, `24h`, `7d`, or plain seconds); null when not one or not above 0. */
export function parseSeconds(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(m[1]) * unit;
  return seconds > 0 ? seconds : null;
}
