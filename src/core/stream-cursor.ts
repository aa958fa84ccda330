/**
 * A transport's position in the hub's event stream: what it resumes from, and the one place
 * events are deduplicated. Seqs compare only within one stream, so a `welcome` naming another
 * stream (a reset database), or one whose head is behind us, starts over from 0.
 */
export class StreamCursor {
  /** Seq of the last snapshot or event delivered; sent as `resumeFrom`. */
  seq = 0;
  /** The `welcome.stream` that `seq` belongs to; null before the first welcome. */
  stream: string | null = null;

  /** Records a welcome; true when it names another stream than the one `seq` belonged to. */
  welcome(stream: string, head: number): boolean {
    const foreign = this.stream !== null && stream !== this.stream;
    if (foreign || head < this.seq) this.seq = 0;
    this.stream = stream;
    return foreign;
  }

  /** A snapshot is the state as of its seq. */
  snapshot(seq: number): void {
    this.seq = seq;
  }

  /** True, moving the position, when the event is new; false when it was already delivered. */
  admit(seq: number): boolean {
    if (seq <= this.seq) return false;
    this.seq = seq;
    return true;
  }
}
