/**
 * A small TCP load balancer on loopback for cluster tests: each new connection goes to the next
 * backend in turn, skipping one that refuses (a killed node), with no affinity — what a real
 * balancer in front of hub nodes does for WebSockets.
 */
import net from 'node:net';

export class TcpBalancer {
  private next = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly ports: number[],
  ) {}

  /** Listens on 127.0.0.1 (any free port) in front of `ports`. */
  static async start(ports: number[]): Promise<TcpBalancer> {
    const server = net.createServer();
    const balancer = new TcpBalancer(server, ports);
    server.on('connection', (client) => balancer.route(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return balancer;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Closes the listener and every connection through it. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Sends `client` to the backend after `first` in turn (the next one of the rotation when a
   * connection arrives), then on each refusal to the one after it: with many connections routed at
   * once, a refused one still tries every other backend (not the rotation's next, which may be
   * the refusing one again).
   */
  private route(client: net.Socket, tried = 0, first = this.next++): void {
    this.track(client);
    if (tried >= this.ports.length) {
      client.destroy();
      return;
    }
    const port = this.ports[(first + tried) % this.ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    this.track(upstream);
    client.pause();
    upstream.once('connect', () => {
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && !upstream.readyState.includes('open')) this.route(client, tried + 1, first);
      else client.destroy();
    });
  }

  private track(socket: net.Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
