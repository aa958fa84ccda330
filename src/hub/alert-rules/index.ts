/**
 * Alert rules on the hub: a metric or status condition held for a time raises a notification (the
 * rule's `group`), once while it holds, and a `resolved` one when it clears, so an incident reaches
 * admins whose page is closed (by escalation) and shows in every bell. The evaluator is a pure
 * function of the stream (evaluator.ts); this wires it to the backend's fan-out and the hub's
 * publish path (validation, masking, idempotency by id).
 */
import type { NotificationInput } from '../../core/protocol.js';
import type { HubBackend, StreamEntry } from '../backend.js';
import type { PublishResult } from '../http.js';
import type { Logger } from '../log.js';
import type { Mask } from '../masking.js';
import { validatePublish } from '../publish.js';
import { AlertEvaluator } from './evaluator.js';
import { AlertRulesError, checkAlertRules } from './rules.js';

export { AlertEvaluator } from './evaluator.js';
export { type AlertRule, type AlertRuleInput, AlertRulesError, checkAlertRules, readAlertRulesFile } from './rules.js';

export interface AlertRulesContext {
  backend: HubBackend;
  /** The hub's publish: validated and masked as `POST /v1/events`, stored once per id. */
  publish: (events: NotificationInput[]) => Promise<PublishResult>;
  mask: Mask;
  log: Logger;
}

export interface AlertRules {
  /** Learns from storage which incidents are open, then follows the stream. */
  start(): Promise<void>;
  /** Stops following the stream; resolves once what was being published is stored. */
  close(): Promise<void>;
}

/**
 * Checks `inputs` (as `checkAlertRules`) and that every rule's notifications pass the publish
 * checks (a name that masking would change cannot be an id); throws `AlertRulesError`.
 */
export function createAlertRules(inputs: unknown, context: AlertRulesContext): AlertRules {
  const { backend, publish, mask, log } = context;
  const rules = checkAlertRules(inputs, 'alertRules', 'alertRules');
  const evaluator = new AlertEvaluator(rules);
  for (const [i, rule] of rules.entries()) {
    const [notification] = new AlertEvaluator([{ ...rule, holdMs: 0 }]).observe(
      rule.condition.kind === 'metric'
        ? {
            kind: 'metrics',
            id: 'probe',
            seq: 1,
            values: { [rule.condition.metric]: rule.condition.op === 'above' ? Number.MAX_VALUE : -Number.MAX_VALUE },
            at: new Date(0).toISOString(),
          }
        : {
            kind: 'status',
            id: 'probe',
            seq: 1,
            components: { [rule.condition.component]: { state: 'down' } },
            at: new Date(0).toISOString(),
          },
    );
    const checked = validatePublish(notification, mask);
    if (!checked.ok) throw new AlertRulesError(`alertRules[${i}] (${rule.name}): ${checked.error}`);
  }

  let buffered: StreamEntry[] | null = [];
  let unsubscribe: (() => void) | null = null;
  /** Publishes in order, one after another, after the delivery that caused them. */
  let publishing: Promise<void> = Promise.resolve();

  const read = (entries: readonly StreamEntry[]) => {
    for (const { event } of entries) {
      const raised = evaluator.observe(event);
      if (raised.length === 0) continue;
      publishing = publishing.then(async () => {
        try {
          const { accepted } = await publish(raised);
          // Every node publishes it; the one that stored it first says so.
          for (const { id, duplicate } of accepted) if (!duplicate) log.info('alert stored', { id });
        } catch (err) {
          for (const n of raised) evaluator.unpublished(n);
          log.error('alert publish failed', { err, ids: raised.map((n) => n.id) });
        }
      });
    }
  };

  return {
    async start() {
      // Listen first, then read storage: what is appended meanwhile is read after (twice is harmless).
      unsubscribe = backend.subscribe((entries) => {
        if (buffered) buffered.push(...entries);
        else read(entries);
      });
      for (const latest of await backend.latestInGroups(rules.map((r) => r.group))) evaluator.observe(latest);
      const pending = buffered ?? [];
      buffered = null;
      read(pending);
      const open = rules.filter((r) => evaluator.isOpen(r.name)).map((r) => r.name);
      log.info('alert rules', { rules: rules.length, ...(open.length ? { open } : {}) });
    },
    async close() {
      unsubscribe?.();
      unsubscribe = null;
      await publishing;
    },
  };
}
