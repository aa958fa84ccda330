/**
 * The alert rules file (`--alert-rules FILE`): what a rule says, checked strictly at start so a
 * typo stops the hub with the file, the rule's index and the field, instead of an alert that
 * never comes. The format is documented in docs/hub.md ("Alert rules").
 */
import { readFileSync } from 'node:fs';
import { COMPONENT_STATES, type ComponentState, LIMITS, PRIORITIES, type Priority } from '../../core/protocol.js';
import {
  arrayOf,
  type Check,
  checkKey,
  isRecord,
  num,
  object,
  oneOf,
  str,
  ValidationError,
} from '../../core/validate.js';
import { parseSeconds } from '../duration.js';

/** Most rules one hub evaluates. */
export const MAX_ALERT_RULES = 100;
/** Longest `for`: a hold longer than a day is a report, not an alert. */
export const MAX_HOLD_SECONDS = 86_400;

/** A rule as written in the file (and as `HubOptions.alertRules` takes it). */
export interface AlertRuleInput {
  /** Unique; the notifications carry it as `group: "rule.<name>"`. */
  name: string;
  /** A metric condition: the metric's value `above` (or `below`) a threshold. */
  metric?: string;
  above?: number;
  below?: number;
  /** A status condition: the component at `status` or worse (`degraded` also matches `down`). */
  component?: string;
  status?: Exclude<ComponentState, 'operational'>;
  /** How long the condition must hold: `30s`, `2m`, `1h`; absent, the first sample that meets it raises. */
  for?: string;
  priority: Priority;
  category: string;
  title: string;
  message?: string;
  link?: string;
  resolvedTitle?: string;
  resolvedMessage?: string;
  /** Priority of the `resolved` notification; default `low`. */
  resolvedPriority?: Priority;
  audience?: { roles?: string[]; userIds?: string[] };
}

/** A checked rule, with its condition and hold in the form the evaluator uses. */
export interface AlertRule {
  input: AlertRuleInput;
  name: string;
  group: string;
  condition:
    | { kind: 'metric'; metric: string; op: 'above' | 'below'; threshold: number }
    | { kind: 'status'; component: string; status: Exclude<ComponentState, 'operational'> };
  holdMs: number;
}

/** The rules file (or option) cannot be used; the message names the source, rule index and field. */
export class AlertRulesError extends Error {
  override readonly name = 'AlertRulesError';
}

const RULE_KEYS = [
  'name',
  'metric',
  'above',
  'below',
  'component',
  'status',
  'for',
  'priority',
  'category',
  'title',
  'message',
  'link',
  'resolvedTitle',
  'resolvedMessage',
  'resolvedPriority',
  'audience',
] as const;

/** Rule names become part of event ids (`alert:<name>:<n>`) and of the group (`rule.<name>`). */
const ruleName = str({ min: 1, max: 48, pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/ });
/**
 * A category, metric, component or role name, as a publish takes it (the hub package reaches the
 * protocol only through `core/protocol.js` and `core/validate.js`, which do not export that check).
 */
const publishedName: Check<string> = (value, path) =>
  checkKey(str({ min: 1, max: LIMITS.nameLength, pattern: /^[A-Za-z0-9_.-]+$/ })(value, path), path);
const BAD_STATES = COMPONENT_STATES.filter((s) => s !== 'operational') as Array<Exclude<ComponentState, 'operational'>>;

/** Refuses keys the shape does not name (a misspelt `abvoe` must not silently never fire). */
const strict =
  <T>(keys: readonly string[], check: Check<T>): Check<T> =>
  (value, path) => {
    if (isRecord(value)) {
      const unknown = Object.keys(value).find((k) => !keys.includes(k));
      if (unknown !== undefined) {
        throw new ValidationError(`${path}.${unknown}`, `is not a rule field (fields: ${keys.join(', ')})`);
      }
    }
    return check(value, path);
  };

const duration: Check<string> = (value, path) => {
  const text = str({ min: 1, max: 16 })(value, path);
  const seconds = parseSeconds(text);
  if (seconds === null || !/[smh]$/i.test(text.trim())) {
    throw new ValidationError(path, `must be a duration such as 30s, 2m or 1h, got "${text}"`);
  }
  if (seconds > MAX_HOLD_SECONDS) throw new ValidationError(path, `must be at most 24h, got "${text}"`);
  return text;
};

const ruleShape = strict(
  RULE_KEYS,
  object(
    {
      name: ruleName,
      priority: oneOf(PRIORITIES),
      category: publishedName,
      title: str({ min: 1, max: LIMITS.titleLength }),
    },
    {
      metric: publishedName,
      above: num(),
      below: num(),
      component: publishedName,
      status: oneOf(BAD_STATES),
      for: duration,
      message: str({ max: LIMITS.messageLength }),
      link: str({ min: 1, max: LIMITS.linkLength, pattern: /^https?:\/\// }),
      resolvedTitle: str({ min: 1, max: LIMITS.titleLength }),
      resolvedMessage: str({ max: LIMITS.messageLength }),
      resolvedPriority: oneOf(PRIORITIES),
      audience: strict(
        ['roles', 'userIds'],
        object(
          {},
          { roles: arrayOf(publishedName, { max: 32 }), userIds: arrayOf(str({ min: 1, max: 256 }), { max: 1000 }) },
        ),
      ),
    },
  ),
);

/** One rule, checked: exactly one condition, and the fields that go with it. */
function checkRule(value: unknown, path: string): AlertRule {
  const input = ruleShape(value, path) as AlertRuleInput;
  const holdMs = input.for === undefined ? 0 : Math.round((parseSeconds(input.for) as number) * 1000);
  const group = `rule.${input.name}`;
  if (input.metric !== undefined) {
    if (input.component !== undefined)
      throw new ValidationError(`${path}.component`, 'a rule watches a metric or a component, not both');
    if (input.status !== undefined) throw new ValidationError(`${path}.status`, 'goes with component, not metric');
    if ((input.above === undefined) === (input.below === undefined)) {
      throw new ValidationError(`${path}.above`, 'a metric rule needs exactly one of above and below');
    }
    const op = input.above !== undefined ? 'above' : 'below';
    return {
      input,
      name: input.name,
      group,
      holdMs,
      condition: { kind: 'metric', metric: input.metric, op, threshold: input[op]! },
    };
  }
  if (input.component !== undefined) {
    for (const field of ['above', 'below'] as const) {
      if (input[field] !== undefined) throw new ValidationError(`${path}.${field}`, 'goes with metric, not component');
    }
    return {
      input,
      name: input.name,
      group,
      holdMs,
      condition: { kind: 'status', component: input.component, status: input.status ?? 'down' },
    };
  }
  throw new ValidationError(`${path}.metric`, 'a rule needs a metric (with above or below) or a component');
}

/**
 * Checks a list of rules (at most `MAX_ALERT_RULES`, names unique); throws `AlertRulesError`
 * whose message starts with `source` and names the field, e.g. `rules.json: rules[2].for: …`.
 */
export function checkAlertRules(value: unknown, source: string, path = 'rules'): AlertRule[] {
  try {
    const list = arrayOf((v) => v, { max: MAX_ALERT_RULES })(value, path);
    const rules = list.map((v, i) => checkRule(v, `${path}[${i}]`));
    for (const [i, rule] of rules.entries()) {
      const first = rules.findIndex((r) => r.name === rule.name);
      if (first < i)
        throw new ValidationError(`${path}[${i}].name`, `"${rule.name}" is already the name of ${path}[${first}]`);
    }
    return rules;
  } catch (err) {
    if (err instanceof ValidationError) throw new AlertRulesError(`${source}: ${err.message}`);
    throw err;
  }
}

/** Reads and checks a rules file: `{ "rules": [ … ] }`. The rules as written, for `HubOptions.alertRules`. */
export function readAlertRulesFile(file: string): AlertRuleInput[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AlertRulesError(`${file}: cannot read it (${(err as Error).message})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new AlertRulesError(`${file}: not JSON (${(err as Error).message})`);
  }
  if (!isRecord(body) || !Array.isArray(body.rules)) {
    throw new AlertRulesError(`${file}: must be an object with a "rules" array`);
  }
  const extra = Object.keys(body).find((k) => k !== 'rules');
  if (extra !== undefined)
    throw new AlertRulesError(`${file}: ${extra}: is not a field of the rules file (only "rules")`);
  return checkAlertRules(body.rules, file).map((rule) => rule.input);
}
