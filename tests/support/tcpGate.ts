import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP pass-through between an agent and the server that a test can cut: `cut()` drops every connection and
 * stops listening (new connections are refused, as when a tablet loses the mobile network), `restore()` listens
 * again on the same port. The network is the edge of the world; everything behind it stays real.
 */
export class TcpGate {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async open(targetUrl: string): Promise<TcpGate> {
    const url = new URL(targetUrl);
    const gate = new TcpGate({ host: url.hostname, port: Number(url.port) });
    await gate.restore();
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(this.port, '127.0.0.1', () => listening());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((closed) => server.close(() => closed()));
  }
}
