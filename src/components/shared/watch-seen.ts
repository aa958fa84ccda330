import type { ReactiveControllerHost } from 'lit';
import type { RealtimeStore } from '../../core/types.js';
import { lazy } from './lazy.js';

const loadSeen = lazy(() => import('./seen.js'), 'seen');

/**
 * Reports what `host` shows as seen with a SeenController (seen.ts, a chunk of its own). Added
 * once its chunk is in, the controller starts at once on a connected host (its observer's first
 * entry reports what is in view then), so nothing shown before the load goes unreported.
 */
export function watchSeen(
  host: ReactiveControllerHost & HTMLElement,
  shown: () => { store: RealtimeStore | undefined; ids: readonly string[] },
): void {
  void loadSeen().then((m) => m && new m.SeenController(host, shown));
}
