/**
 * A Server-Sent Events reader over fetch for tests of the hub's SSE rung: every `data:` frame
 * parsed with its arrival time, comment lines (heartbeats) counted, the `close` event kept.
 */
import type { HubMessage, StreamEvent } from '../../src/core/protocol.js';

export class SseClient {
  readonly frames: HubMessage[] = [];
  /** When each of `frames` arrived (epoch ms). */
  readonly arrivals: number[] = [];
  comments = 0;
  close: { code: number; reason: string } | null = null;
  ended = false;
  private constructor(
    readonly res: Response,
    private readonly abort: AbortController,
  ) {
    void this.read();
  }

  /** Opens `url` (`…/v1/sse?ticket=…`) with these request headers. */
  static async connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const res = await fetch(url, { headers, signal: abort.signal });
    return new SseClient(res, abort);
  }

  /** Opens the hub's SSE endpoint with this query (`ticket=…`). */
  static open(hub: { url: string }, query: string): Promise<SseClient> {
    return SseClient.connect(`${hub.url}/v1/sse?${query}`);
  }

  private async read(): Promise<void> {
    const reader = this.res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.block(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by stop()
    }
    this.ended = true;
  }

  private block(block: string): void {
    let event = 'message';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments++;
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) {
        const data = JSON.parse(line.slice(6));
        if (event === 'close') this.close = data;
        else {
          this.frames.push(data as HubMessage);
          this.arrivals.push(Date.now());
        }
      }
    }
  }

  /** The stream events received so far, in order. */
  events(): StreamEvent[] {
    return this.frames.flatMap((m) => (m.type === 'event' ? [m.event] : m.type === 'events' ? m.events : []));
  }

  /** When the first frame holding an event that matches arrived, or undefined. */
  arrivalOf(match: (event: StreamEvent) => boolean): number | undefined {
    const i = this.frames.findIndex((m) =>
      (m.type === 'event' ? [m.event] : m.type === 'events' ? m.events : []).some(match),
    );
    return i < 0 ? undefined : this.arrivals[i];
  }

  stop(): void {
    this.abort.abort();
  }
}
