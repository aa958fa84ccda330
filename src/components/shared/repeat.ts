/**
 * Lit's keyed `repeat()`, without its marker leak. In lit-html 3.3, `removePart()` deletes a row's
 * content and its start marker but leaves its end marker (an empty comment) in the list (upstream
 * lit/lit#5010). Our lists drop a row for every row that arrives, so a dashboard left open
 * collected one stray comment per event, without bound. This directive is Lit's own, subclassed:
 * after each update it removes the end markers of the rows that update dropped. Once Lit removes
 * them itself, the extra `remove()` finds a detached node and does nothing.
 */
import type { ChildPart } from 'lit';
import { directive, type PartInfo } from 'lit/directive.js';
import { getCommittedValue, getDirectiveClass } from 'lit/directive-helpers.js';
import {
  type ItemTemplate,
  type KeyFn,
  repeat as litRepeat,
  type RepeatDirective,
  type RepeatDirectiveFn,
} from 'lit/directives/repeat.js';

/** The class behind Lit's `repeat`. */
const LitRepeat = getDirectiveClass(litRepeat([], () => null)) as unknown as new (info: PartInfo) => RepeatDirective;

class KeyedRepeat extends LitRepeat {
  override update<T>(
    part: ChildPart,
    args: [Iterable<T>, KeyFn<T> | ItemTemplate<T>, ItemTemplate<T>],
  ): ReturnType<RepeatDirective['update']> {
    const before = getCommittedValue(part);
    const result = super.update(part, args);
    if (Array.isArray(before)) {
      const kept = new Set(getCommittedValue(part) as unknown[]);
      for (const row of before as (ChildPart | null)[])
        if (row && !kept.has(row)) (row.endNode as ChildNode | null)?.remove();
    }
    return result;
  }
}

/** `repeat(items, keyFn, template)`, exactly as Lit's (same signature and behaviour). */
export const repeat = directive(KeyedRepeat) as unknown as RepeatDirectiveFn;
