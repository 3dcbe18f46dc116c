/** `sweepsheet worker`: a queue worker until interrupted (Ctrl-C finishes the jobs in hand, a second one quits). */
import { exposureWarning, parseRedisUrl } from '../queue/connection.ts';
import { startQueueWorker } from '../queue/worker.ts';
import { defaultPoolSize } from '../workers/node-pool.ts';
import type { WorkerArgs } from './args.ts';
import type { Output } from './run.ts';

export async function runWorker(args: WorkerArgs, io: Output): Promise<number> {
  const target = parseRedisUrl(args.redis, process.env);
  if (!target.ok) {
    io.err(`--redis: ${target.error}`);
    return 2;
  }
  const warning = exposureWarning(target.value);
  if (warning) io.err(warning);
  const concurrency = args.concurrency ?? defaultPoolSize();
  const worker = startQueueWorker({
    target: target.value, concurrency,
    ...(args.lockMs !== null ? { lockMs: args.lockMs } : {}),
    ...(args.stalledMs !== null ? { stalledMs: args.stalledMs } : {}),
    log: (line) => io.out(`${new Date().toISOString()} ${line}`),
  });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) resolve(130);
      stopping = true;
      io.out('finishing the jobs in hand (interrupt again to quit now; the queue gives them to another worker)');
      void worker.close().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    worker.ready.then(
      () => io.out(`worker ready: ${concurrency} training thread${concurrency === 1 ? '' : 's'} on the queue at ${target.value.display}`),
      (e: unknown) => {
        io.err(`the worker could not start: ${e instanceof Error ? e.message : String(e)}`);
        void worker.close(true).finally(() => resolve(2));
      },
    );
  });
}
