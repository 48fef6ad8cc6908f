/**
 * A TCP proxy for outage tests: clients connect to the proxy instead of the
 * real Postgres or Redis, and a test pulls the plug with `cut()` (every open
 * connection is destroyed and new ones are refused, as when a database
 * fails over or a network partitions) and puts it back with `restore()`.
 *
 * The listening socket stays bound while cut, so the port never changes and
 * cannot be taken by another suite; a connection arriving during the cut is
 * accepted and destroyed at once, which clients see as ECONNRESET.
 */
import net from 'node:net';

export interface TcpProxy {
  /** The port on 127.0.0.1 to connect to instead of the target. */
  readonly port: number;
  /** Rewrites a `postgres://` or `redis://` URL to go through the proxy. */
  url(target: string): string;
  /** Destroys every open connection and refuses new ones until `restore()`. */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
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
      // resetAndDestroy sends RST where available: the peer sees the drop at once, as in a real outage.
      for (const socket of open) {
        if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed && socket.readyState === 'open')
          socket.resetAndDestroy();
        else socket.destroy();
      }
      open.clear();
    },
    restore() {
      isCut = false;
    },
    close() {
      isCut = true;
      for (const socket of open) socket.destroy();
      open.clear();
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
