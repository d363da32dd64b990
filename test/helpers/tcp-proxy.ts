import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to PostgreSQL that a test switches off and on: `down()` cuts every connection and
 * refuses new ones (as a database host that restarts or fails over), `up()` accepts again on the
 * same port. The server under test connects through `url`.
 */
export interface TcpProxy {
  port: number;
  /** `target`'s URL with the proxy's port. */
  url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const onConnection = (client: Socket) => {
    const server = connect(Number(target.port || 5432), target.hostname);
    track(client);
    track(server);
    client.pipe(server).pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  };
  let listener: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        listener = s;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!listener) return resolve();
      listener.close(() => resolve());
      listener = undefined;
    });
  await listen();
  const url = new URL(targetUrl);
  url.port = String(port);
  url.hostname = '127.0.0.1';
  return { port, url: url.toString(), down: stop, up: listen, close: stop };
}
