/**
 * The frames that carry a run of stream entries to sessions. Each event is serialised once and
 * each distinct frame encoded to UTF-8 and framed once, however many sockets receive it: sessions
 * that see the same entries (the common case: all of them) share one buffer.
 */
import { encodeEvent, encodeEvents, LIMITS } from '../core/protocol.js';
import type { StreamEntry } from './backend.js';
import { type PreparedFrame, prepareFrame } from './prepared-frame.js';

export class EventFrames {
  private readonly json: (string | undefined)[] = [];
  private readonly singles: (PreparedFrame | undefined)[] = [];
  private readonly batches = new Map<string, PreparedFrame>();

  constructor(readonly entries: readonly StreamEntry[]) {}

  /** The `event` frame of entry `i` (protocol 1, or a run in which this session sees one entry). */
  single(i: number): PreparedFrame {
    let frame = this.singles[i];
    if (!frame) this.singles[i] = frame = prepareFrame(encodeEvent(this.eventJson(i)));
    return frame;
  }

  /**
   * The frames that carry the entries at `indices` (ascending): one `event` frame for a single
   * entry, else `events` frames of at most `LIMITS.eventsPerFrame` entries.
   */
  batch(indices: readonly number[]): PreparedFrame[] {
    const frames: PreparedFrame[] = [];
    for (let start = 0; start < indices.length; start += LIMITS.eventsPerFrame) {
      const part = indices.slice(start, start + LIMITS.eventsPerFrame);
      if (part.length === 1) {
        frames.push(this.single(part[0]!));
        continue;
      }
      // Contiguous runs (everything, or one category hidden at the end) key cheaply.
      const key = part.at(-1)! - part[0]! === part.length - 1 ? `${part[0]}-${part.at(-1)}` : part.join(',');
      let frame = this.batches.get(key);
      if (!frame) {
        frame = prepareFrame(encodeEvents(part.map((i) => this.eventJson(i))));
        this.batches.set(key, frame);
      }
      frames.push(frame);
    }
    return frames;
  }

  private eventJson(i: number): string {
    let json = this.json[i];
    if (json === undefined) this.json[i] = json = JSON.stringify(this.entries[i]!.event);
    return json;
  }
}
