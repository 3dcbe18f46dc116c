/** Jobs handed to a pool as the app's scheduler hands them out, for the pool benches. */
import type { TrainJob } from '../../src/engine/job.ts';
import type { Runner } from '../../src/engine/scheduler/runner.ts';

/**
 * The jobs through `pool` as run-lifecycle.ts Runs.pump does: a job is started while fewer than
 * the pool's capacity are in flight, looked at again each time one ends (a pool that takes small
 * jobs ahead reports more capacity while it trains them). Each job's own seconds, in end order.
 */
export function drive(pool: Runner, jobs: readonly TrainJob[]): Promise<number[]> {
  const jobSeconds: number[] = [];
  let next = 0, inFlight = 0;
  if (jobs.length === 0) return Promise.resolve(jobSeconds);
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (next < jobs.length && inFlight < pool.capacity) {
        inFlight++;
        pool.run(jobs[next++]!, { signal: new AbortController().signal, onProgress: () => {} }).then((r) => {
          jobSeconds.push(r.seconds);
          inFlight--;
          if (next === jobs.length && inFlight === 0) resolve(jobSeconds);
          else pump();
        }, reject);
      }
    };
    pump();
  });
}
