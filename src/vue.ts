/**
 * `admin-realtime/vue`: typed global component declarations for Vue 3.3+ (checked by `vue-tsc` and
 * Volar in templates), and `isCustomElement` for Vue's compiler options. Each tag's props are the
 * element's own properties, typed from its class; each `realtime-*` event it fires (or that bubbles
 * out of it) is an `onRealtime…` prop and a typed emit, so `@realtime-toggle="(e) => e.detail.open"`
 * type-checks. Importing it registers no element (`import 'admin-realtime'` does that).
 *
 * ```ts
 * // vite.config.ts
 * import { isCustomElement } from 'admin-realtime/vue';
 * export default defineConfig({ plugins: [vue({ template: { compilerOptions: { isCustomElement } } })] });
 * // env.d.ts (or any file the project type-checks)
 * import type {} from 'admin-realtime/vue';
 * ```
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type {
  ElementEventName,
  RealtimeElements,
  RealtimeEvent,
  RealtimeEventProp,
} from './components/shared/element-events.js';
import { ELEMENT_TAGS, type ElementTag } from './components/tags.js';

export type { RealtimeEvent, RealtimeEventProp } from './components/shared/element-events.js';

const TAGS = new Set<string>(ELEMENT_TAGS);

/** For Vue's `compilerOptions.isCustomElement`: true for every admin-realtime tag. */
export function isCustomElement(tag: string): boolean {
  return TAGS.has(tag);
}

/** A tag's props in a Vue template: its properties, its `onRealtime…` listeners, Vue's HTML attributes. */
export type RealtimeVueProps<T extends ElementTag> = HTMLAttributes &
  PublicProps &
  Partial<Omit<RealtimeElements[T], keyof HTMLElement>> & {
    [K in ElementEventName<T> as RealtimeEventProp<K>]?: (event: RealtimeEvent<K>) => void;
  };

/** A tag as Vue's `GlobalComponents` wants it (the shape Vue's docs give for custom elements). */
export type RealtimeVueComponent<T extends ElementTag> = new () => RealtimeElements[T] & {
  /** For template type checking only; not a property of the element. */
  $props: RealtimeVueProps<T>;
  /** For template type checking only; not a method of the element. */
  $emit: EmitFn<{ [K in ElementEventName<T>]: (event: RealtimeEvent<K>) => void }>;
};

/** Every admin-realtime tag, for `GlobalComponents`. */
export type RealtimeVueComponents = { [T in ElementTag]: RealtimeVueComponent<T> };

declare module 'vue' {
  interface GlobalComponents extends RealtimeVueComponents {}
}
