/**
 * The script of one test "tab" (tab-frame.html): its own copy of the library (elements registered
 * in this frame), and probes the parent test reads: every stream event seq the store was given,
 * each `realtime-notification`, and the calls of the alert sound.
 */
import '../../src/index.js';
import { AlertSound } from '../../src/components/critical-alerts/alert-sound.js';
import { createRealtimeClient, type RealtimeClient, type RealtimeClientOptions } from '../../src/core/client.js';

/** What the parent test reads and drives. */
export interface TabProbe {
  /** Seqs of the stream events this tab's store received, in order. */
  seqs: number[];
  /** Ids of `realtime-notification` events, in order. */
  notified: string[];
  /** Calls of the alert sound's `play` in this tab. */
  sounds: number;
  client: RealtimeClient | null;
  /** Creates and connects a client with these options. */
  open(options: RealtimeClientOptions): RealtimeClient;
  /** Wires the probes to the client of a `<realtime-provider>` in this frame. */
  watch(client: RealtimeClient): void;
}

const play = AlertSound.prototype.play;
const probe: TabProbe = {
  seqs: [],
  notified: [],
  sounds: 0,
  client: null,
  open(options) {
    const client = createRealtimeClient(options);
    probe.watch(client);
    client.connect();
    return client;
  },
  watch(client) {
    probe.client = client;
    client.connection.onMessage((m) => {
      if (m.type === 'event') probe.seqs.push(m.event.seq);
    });
    client.on('realtime-notification', (n) => probe.notified.push(n.id));
  },
};
AlertSound.prototype.play = function (this: AlertSound) {
  probe.sounds++;
  play.call(this);
};
(window as unknown as { tabProbe: TabProbe }).tabProbe = probe;
