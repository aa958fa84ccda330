/**
 * Alert rules as a pure function of the stream: fed every entry in seq order, it answers the
 * notifications to publish. Time is the samples' own `at`, never the clock, so every node of a
 * cluster reading the same stream answers the same notifications with the same ids; the hub's
 * idempotency by id then stores each once.
 *
 * Ids count incidents per rule: `alert:<name>:<n>` opens the rule's n-th incident and
 * `alert:<name>:<n>:resolved` ends it. The count comes from the stream (and from storage at
 * start), not from which sample completed the hold, so two nodes whose holds began at different
 * samples (one restarted mid-hold) still raise the same id.
 */
import type { MetricsEvent, NotificationInput, StatusEvent, StreamEvent } from '../../core/protocol.js';
import type { AlertRule } from './rules.js';

interface RuleState {
  /** An incident is open (raised and not yet resolved). */
  open: boolean;
  /** Incidents raised so far (the n of the latest `alert:<name>:<n>`). */
  incidents: number;
  /** `at` (ms) of the first sample of the current unbroken breach; null when not breaching. */
  since: number | null;
  /** `at` (ms) of the latest sample considered. */
  last: number | null;
}

/** What one sample of a rule's subject says. */
interface Sample {
  at: number;
  breaching: boolean;
  /** The metric value, or the component's state. */
  value: number | string;
}

const SEVERITY = { operational: 0, degraded: 1, down: 2 } as const;

/** `60 s`, `2 min`, `1.5 h`: how a hold reads in a message. */
function holdText(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round((s / 60) * 10) / 10} min`;
  return `${Math.round((s / 3600) * 10) / 10} h`;
}

/** A fraction as a percentage for people: 0.1043 → `10.4 %`. */
const percentText = (x: number) => `${Math.round(x * 1000) / 10} %`;

/**
 * Replaces `{value}`, `{threshold}`, `{valuePercent}`, `{thresholdPercent}` (a fraction such as an
 * error rate, as a percentage), `{for}`, `{metric}`, `{component}` in a rule's text.
 */
const fill = (text: string, vars: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);

export class AlertEvaluator {
  private readonly states = new Map<AlertRule, RuleState>();
  private readonly byGroup = new Map<string, AlertRule>();

  constructor(readonly rules: readonly AlertRule[]) {
    for (const rule of rules) {
      this.states.set(rule, { open: false, incidents: 0, since: null, last: null });
      this.byGroup.set(rule.group, rule);
    }
  }

  /** Whether the rule named `name` has an incident open. */
  isOpen(name: string): boolean {
    const rule = this.rules.find((r) => r.name === name);
    return rule ? this.states.get(rule)!.open : false;
  }

  /**
   * Reads one entry: a rule's own notification (raised here, by another node, or found in storage
   * at start) moves its incident count and open state; a sample may raise or resolve. Answers the
   * notifications to publish, already counted as published.
   */
  observe(event: StreamEvent): NotificationInput[] {
    if (event.kind === 'notification') {
      this.noteIncident(event.id, event.group);
      return [];
    }
    if (event.kind !== 'metrics' && event.kind !== 'status') return [];
    const out: NotificationInput[] = [];
    for (const rule of this.rules) {
      const sample = this.sampleOf(rule, event);
      if (sample) {
        const raised = this.step(rule, sample);
        if (raised) out.push(raised);
      }
    }
    return out;
  }

  /** A publish of `notification` failed: it counts as not raised, so the next sample tries again. */
  unpublished(notification: NotificationInput): void {
    const rule = notification.group === undefined ? undefined : this.byGroup.get(notification.group);
    const id = rule && this.parseId(rule, notification.id);
    if (!rule || !id) return;
    const state = this.states.get(rule)!;
    if (id.n !== state.incidents) return; // the stream moved on meanwhile
    if (!id.resolved && state.open) {
      state.open = false;
      state.incidents--;
    } else if (id.resolved && !state.open) state.open = true;
  }

  private noteIncident(id: string, group: string | undefined): void {
    const rule = group === undefined ? undefined : this.byGroup.get(group);
    const parsed = rule && this.parseId(rule, id);
    if (!rule || !parsed) return; // someone else's notification in the group: not an incident of ours
    const state = this.states.get(rule)!;
    if (parsed.n > state.incidents) {
      state.incidents = parsed.n;
      state.open = !parsed.resolved;
    } else if (parsed.n === state.incidents && parsed.resolved) state.open = false;
  }

  private parseId(rule: AlertRule, id: string | undefined): { n: number; resolved: boolean } | null {
    const prefix = `alert:${rule.name}:`;
    if (!id?.startsWith(prefix)) return null;
    const m = /^(\d{1,15})(:resolved)?$/.exec(id.slice(prefix.length));
    return m ? { n: Number(m[1]), resolved: Boolean(m[2]) } : null;
  }

  private sampleOf(rule: AlertRule, event: MetricsEvent | StatusEvent): Sample | null {
    const c = rule.condition;
    const at = Date.parse(event.at);
    if (c.kind === 'metric') {
      if (event.kind !== 'metrics' || !Object.hasOwn(event.values, c.metric)) return null;
      const value = event.values[c.metric]!;
      return { at, value, breaching: c.op === 'above' ? value > c.threshold : value < c.threshold };
    }
    if (event.kind !== 'status' || !Object.hasOwn(event.components, c.component)) return null;
    const state = event.components[c.component]!.state;
    return { at, value: state, breaching: SEVERITY[state] >= SEVERITY[c.status] };
  }

  /** Advances one rule by one sample; the notification it raises or resolves, if any. */
  private step(rule: AlertRule, sample: Sample): NotificationInput | null {
    const state = this.states.get(rule)!;
    // A sample older than one already read says nothing about now: skipped, so order of `at` rules.
    if (state.last !== null && sample.at < state.last) return null;
    // Silence longer than the hold is not a hold: the breach counts again from this sample.
    if (state.last !== null && sample.at - state.last > rule.holdMs) state.since = null;
    state.last = sample.at;
    if (!sample.breaching) {
      state.since = null;
      if (!state.open) return null;
      state.open = false;
      return this.notification(rule, state.incidents, sample, true);
    }
    state.since ??= sample.at;
    if (state.open || sample.at - state.since < rule.holdMs) return null;
    state.open = true;
    state.incidents++;
    return this.notification(rule, state.incidents, sample, false);
  }

  private notification(rule: AlertRule, n: number, sample: Sample, resolved: boolean): NotificationInput {
    const { input, condition: c } = rule;
    const vars: Record<string, string> =
      c.kind === 'metric'
        ? {
            value: String(sample.value),
            threshold: String(c.threshold),
            valuePercent: percentText(Number(sample.value)),
            thresholdPercent: percentText(c.threshold),
            metric: c.metric,
          }
        : { value: String(sample.value), threshold: c.status, component: c.component };
    vars.for = holdText(rule.holdMs);
    const subject = c.kind === 'metric' ? c.metric : c.component;
    const opened =
      c.kind === 'metric'
        ? `${subject} is ${vars.value}, ${c.op} ${vars.threshold}${rule.holdMs ? ` for ${vars.for}` : ''}.`
        : `${subject} is ${vars.value}${rule.holdMs ? ` for ${vars.for}` : ''}.`;
    const cleared =
      c.kind === 'metric'
        ? `${subject} is back at ${vars.value} (threshold ${vars.threshold}).`
        : `${subject} is ${vars.value} again.`;
    const title = resolved ? (input.resolvedTitle ?? `Resolved: ${input.title}`) : input.title;
    const message = resolved ? (input.resolvedMessage ?? cleared) : (input.message ?? opened);
    const note: NotificationInput = {
      kind: 'notification',
      id: `alert:${rule.name}:${n}${resolved ? ':resolved' : ''}`,
      group: rule.group,
      title: fill(title, vars),
      message: fill(message, vars),
      category: input.category,
      priority: resolved ? (input.resolvedPriority ?? 'low') : input.priority,
      createdAt: new Date(sample.at).toISOString(),
      data: { rule: rule.name, [c.kind === 'metric' ? 'metric' : 'component']: subject, value: sample.value },
    };
    if (resolved) note.resolved = true;
    if (input.link !== undefined) note.link = input.link;
    if (input.audience !== undefined) note.audience = input.audience;
    return note;
  }
}
