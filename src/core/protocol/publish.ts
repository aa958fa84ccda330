/**
 * What a publisher posts (POST /v1/events, hub.publish()). Hub side: the browser never reads
 * these, so `admin-realtime/core` does not export them.
 */
import {
  arrayOf,
  bool,
  type Check,
  type Infer,
  isoDate,
  json,
  num,
  object,
  oneOf,
  recordOf,
  str,
  union,
  ValidationError,
} from '../validate.js';
import { componentStatus, PRIORITIES } from './events.js';
import { count, eventId, httpsLink, LIMITS, link, publishedName, shortName } from './fields.js';
import { type Parsed, parseWith } from './parse.js';

/** Who receives a notification; absent means every admin. */
const audience = object(
  {},
  {
    userIds: arrayOf(str({ min: 1, max: 256 }), { max: LIMITS.audienceEntries }),
    roles: arrayOf(publishedName, { max: 32 }),
  },
);
export type Audience = Infer<typeof audience>;

/** One button: `id` is what the integrator's listener matches on, `label` is shown (masked). */
const actionInput = object({ id: publishedName, label: str({ min: 1, max: LIMITS.actionLabelLength }) }, { url: link });
export type ActionInput = Infer<typeof actionInput>;

/** Up to `LIMITS.actions` buttons, each id once (a listener could not tell two apart). */
const actionsInput: Check<ActionInput[]> = (value, path) => {
  const actions = arrayOf(actionInput, { max: LIMITS.actions })(value, path);
  for (const [i, a] of actions.entries()) {
    const first = actions.findIndex((b) => b.id === a.id);
    if (first < i) throw new ValidationError(`${path}[${i}].id`, `must differ from ${path}[${first}].id`);
  }
  return actions;
};

/** Who the notification is about or from: a name (masked) and an https avatar. */
const actorInput = object({ name: str({ min: 1, max: LIMITS.actorNameLength }) }, { avatarUrl: httpsLink });

const notificationInput = object(
  { kind: oneOf(['notification']), title: str({ min: 1, max: LIMITS.titleLength }) },
  {
    id: eventId,
    message: str({ max: LIMITS.messageLength }),
    category: publishedName,
    priority: oneOf(PRIORITIES),
    link,
    createdAt: isoDate,
    data: json({ maxDepth: LIMITS.dataDepth, maxKeys: LIMITS.dataKeys }),
    audience,
    actions: actionsInput,
    actor: actorInput,
    /** Incident key: a later notification of the group supersedes the earlier in alerts. */
    group: publishedName,
    /** True: this notification ends its group's incident. */
    resolved: bool,
  },
);
export type NotificationInput = Infer<typeof notificationInput>;

const activityInput = object(
  {
    kind: oneOf(['activity']),
    type: publishedName,
    action: str({ min: 1, max: LIMITS.titleLength }),
    user: object({ id: str({ min: 1, max: 256 }) }, { name: str({ max: 200 }), email: str({ max: 320 }) }),
  },
  { id: eventId, detail: str({ max: LIMITS.detailLength }), at: isoDate },
);
export type ActivityInput = Infer<typeof activityInput>;

const metricsInput = object(
  {
    kind: oneOf(['metrics']),
    values: recordOf(num({ min: -1e15, max: 1e15 }), { maxKeys: LIMITS.metricNames, key: shortName }),
  },
  { id: eventId, at: isoDate },
);
export type MetricsInput = Infer<typeof metricsInput>;

const statusInput = object(
  {
    kind: oneOf(['status']),
    components: recordOf(componentStatus, { maxKeys: LIMITS.statusComponents, key: shortName }),
  },
  { id: eventId, at: isoDate },
);
export type StatusInput = Infer<typeof statusInput>;

const agentsInput = object(
  { kind: oneOf(['agents']), active: count, idle: count, error: count },
  { id: eventId, at: isoDate },
);
export type AgentsInput = Infer<typeof agentsInput>;

const eventInput = union('kind', {
  notification: notificationInput,
  activity: activityInput,
  metrics: metricsInput,
  status: statusInput,
  agents: agentsInput,
});
export type EventInput = Infer<typeof eventInput>;

/** Validates one event a publisher posted. The error names the bad field, e.g. `priority: must be one of …`. */
export const validateEventInput = (value: unknown): Parsed<EventInput> => parseWith(eventInput, value);

/**
 * Validates a publish body: one event or an array of them. Errors in a batch are prefixed with
 * the index, e.g. `[3].title: is required`.
 */
export function validatePublishBody(value: unknown): Parsed<EventInput[]> {
  if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false, error: 'body: batch must hold at least one event' };
    if (value.length > LIMITS.batchSize)
      return { ok: false, error: `body: batch must hold at most ${LIMITS.batchSize} events` };
    const out: EventInput[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = parseWith(eventInput, value[i]);
      if (!r.ok) return { ok: false, error: `[${i}].${r.error}`, path: `[${i}]${r.path ? `.${r.path}` : ''}` };
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  const r = parseWith(eventInput, value);
  return r.ok ? { ok: true, value: [r.value] } : r;
}
