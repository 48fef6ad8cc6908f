/**
 * A TCP proxy for outage tests: clients connect to the proxy instead of the
 * real Postgres or Redis, and a test pulls the plug with `cut()` (every open
 * connection is destroyed and new ones are refused, as when a database
 * fails over or a network partitions) and puts it back with `restore()`.
 *
 * While cut the proxy stops listening, so a client's reconnect attempts meet
 * ECONNREFUSED, as with a database that is down (a listener that accepted
 * and hung up would look to ioredis like a fresh connection each time and
 * reset its retry count). `restore()` listens again on the same port.
 */
import net from 'node:net';

export interface TcpProxy {
  /** The port on 127.0.0.1 to connect to instead of the target. */
  readonly port: number;
  /** Rewrites a `postgres://` or `redis://` URL to go through the proxy. */
  url(target: string): string;
  /** Destroys every open connection and refuses new ones until `restore()`. */
  cut(): void;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  /** Connections accepted and forwarded so far. */
  readonly connections: number;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1:0 forwarding to `target` (`host:port`, or a
 * service URL whose host and port are used).
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { host, port } = parseTarget(target);
  const open = new Set<net.Socket>();
  let isCut = false;
  let accepted = 0;

  const server = net.createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = net.connect({ host, port });
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const listening = (server.address() as net.AddressInfo).port;

  return {
    port: listening,
    get connections() {
      return accepted;
    },
    url(serviceUrl: string) {
      const parsed = new URL(serviceUrl);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(listening);
      return parsed.toString();
    },
    cut() {
      isCut = true;
      server.close();
      // resetAndDestroy sends RST where available: the peer sees the drop at once, as in a real outage.
      for (const socket of open) {
        if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed && socket.readyState === 'open')
          socket.resetAndDestroy();
        else socket.destroy();
      }
      open.clear();
    },
    async restore() {
      if (!isCut) return;
      await listen(listening);
      isCut = false;
    },
    close() {
      const wasListening = server.listening;
      isCut = true;
      for (const socket of open) socket.destroy();
      open.clear();
      if (!wasListening) return Promise.resolve();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseTarget(target: string): { host: string; port: number } {
  if (target.includes('://')) {
    const parsed = new URL(target);
    const fallback = parsed.protocol.startsWith('redis') ? 6379 : 5432;
    return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || fallback) };
  }
  const at = target.lastIndexOf(':');
  return { host: target.slice(0, at), port: Number(target.slice(at + 1)) };
}
