/**
 * `sweepsheet serve`: the app from Vite's server, in this process, with the queue relay mounted
 * beside it. Without --redis the page trains in its own workers, as under `npm start`.
 */
import { fileURLToPath } from 'node:url';
import { type Plugin, createServer } from 'vite';
import type { Runner } from '../engine/scheduler/runner.ts';
import { exposureWarning, isLoopback, parseRedisUrl } from '../queue/connection.ts';
import { type Relay, createRelay } from '../queue/relay.ts';
import type { ServeArgs } from './args.ts';
import type { Output } from './run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Start the server; resolves once it listens. Also used by the tests. */
export async function startServe(args: ServeArgs, io: Output): Promise<Served> {
  let runner: (Runner & { close(): Promise<void> }) | null = null;
  if (args.redis !== null) {
    const target = parseRedisUrl(args.redis, process.env);
    if (!target.ok) throw new Error(`--redis: ${target.error}`);
    const warning = exposureWarning(target.value);
    if (warning) io.err(warning);
    const { QueueRunner } = await import('../queue/runner.ts');
    runner = await QueueRunner.open({ target: target.value, onError: io.err });
  }
  if (!isLoopback(args.host)) {
    io.err(`warning: serving on ${args.host}: anyone on that network can open the app${runner ? ' and put jobs on the queue' : ''}.`);
  }
  const relay: Relay = createRelay(runner);
  const plugin: Plugin = {
    name: 'sweepsheet-queue-relay',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!relay.handle(req, res)) next();
      });
    },
  };
  const server = await createServer({
    root: ROOT,
    configFile: `${ROOT}/vite.config.ts`,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [plugin],
    server: { host: args.host, port: args.port, strictPort: true, open: false },
  });
  try {
    await server.listen();
  } catch (e) {
    await runner?.close();
    throw e;
  }
  const addr = server.httpServer?.address();
  const port = typeof addr === 'object' && addr ? addr.port : args.port;
  const url = `http://${args.host.includes(':') ? `[${args.host}]` : args.host}:${port}/`;
  return {
    url,
    async close() {
      relay.close();
      await server.close();
      await runner?.close();
    },
  };
}

export async function runServe(args: ServeArgs, io: Output): Promise<number> {
  let served: Served;
  try {
    served = await startServe(args, io);
  } catch (e) {
    io.err(`could not serve: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  io.out(`serving ${served.url}${args.redis ? ' (the page can run its rows on the queue)' : ''}`);
  return new Promise<number>((resolve) => {
    const stop = () => void served.close().finally(() => resolve(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
