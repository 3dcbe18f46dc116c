/** Command-line arguments of `sweepsheet`, parsed into plain data or a usage error. */
import { type Result, ok, err } from '../engine/errors.ts';
import { RESULT_COLUMNS, INPUT_COLUMNS } from '../engine/columns.ts';

export interface RunArgs {
  readonly command: 'run';
  readonly file: string;
  readonly workers: number | null;
  readonly sort: { readonly column: string; readonly descending: boolean };
  readonly json: boolean;
  readonly rerun: boolean;
  /** Train on the queue at this Redis address instead of local worker threads. */
  readonly redis: string | null;
}

export interface WorkerArgs {
  readonly command: 'worker';
  readonly redis: string;
  readonly concurrency: number | null;
  /** Job lock and stalled-check intervals in ms (defaults 30 s); short ones make takeover after a crash quick. */
  readonly lockMs: number | null;
  readonly stalledMs: number | null;
}

export interface ServeArgs {
  readonly command: 'serve';
  readonly redis: string | null;
  readonly port: number;
  readonly host: string;
}

export type Args = RunArgs | WorkerArgs | ServeArgs | { readonly command: 'help' };

export const USAGE = `usage: sweepsheet run SHEET.sheet.json [--workers N] [--sort COLUMN[:asc|:desc]] [--json] [--rerun] [--redis URL]
       sweepsheet worker [--redis URL] [--concurrency N] [--lock-ms MS] [--stalled-ms MS]
       sweepsheet serve [--redis URL] [--port N] [--host ADDRESS]

  run          train every row of the sheet whose results are missing or stale, writing each
               finished row back into the file as it lands (a run killed halfway keeps them)
  --workers    worker threads (default: hardware threads minus one, at least one)
  --sort       column to order the printed rows by (default test_acc:desc)
  --json       print the rows as JSON instead of a table
  --rerun      retrain every row, even those with up-to-date results
  --redis      put the rows on the job queue at this Redis (redis://HOST:PORT) for
               \`sweepsheet worker\` processes on any machine to train
  worker       train jobs from the queue (default redis://127.0.0.1:6379); --concurrency is
               jobs at once, each on its own thread (default: hardware threads minus one)
  --lock-ms    how long a job's lock lasts; a crashed worker's job is taken over after it
  --stalled-ms how often to look for jobs whose worker died
  serve        serve the app on http://HOST:PORT (default 127.0.0.1:5173); with --redis the page
               can run its rows on the queue
exit code: 0 when every row trained, 1 when a row failed or is invalid, 2 on a usage or file error`;

const SORTABLE = new Set([...INPUT_COLUMNS, ...RESULT_COLUMNS].map((c) => c.key));

/** A whole number in a range, or a usage error naming the option. */
function whole(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): Result<Args, string> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return ok({ command: 'help' });
  if (command !== 'run' && command !== 'worker' && command !== 'serve') return err(`unknown command "${command}"`);
  let file: string | null = null;
  let workers: number | null = null;
  let sort = { column: 'test_acc', descending: true };
  let json = false;
  let rerun = false;
  let redis: string | null = null;
  let concurrency: number | null = null;
  let lockMs: number | null = null;
  let stalledMs: number | null = null;
  let port = 5173;
  let host = '127.0.0.1';
  const allowed: Readonly<Record<string, readonly string[]>> = {
    run: ['--workers', '--sort', '--json', '--rerun', '--redis'],
    worker: ['--redis', '--concurrency', '--lock-ms', '--stalled-ms'],
    serve: ['--redis', '--port', '--host'],
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a.startsWith('-') && !allowed[command]!.includes(a)) return err(`unknown option ${a} for ${command}`);
      if (a === '--workers') {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 64) return err('--workers must be a whole number from 1 to 64');
        workers = n;
      } else if (a === '--sort') {
        const [column = '', dir = 'desc'] = value().split(':');
        if (!SORTABLE.has(column)) return err(`--sort: unknown column "${column}"; use one of ${[...SORTABLE].join(', ')}`);
        if (dir !== 'asc' && dir !== 'desc') return err('--sort: direction must be asc or desc');
        sort = { column, descending: dir === 'desc' };
      } else if (a === '--json') json = true;
      else if (a === '--rerun') rerun = true;
      else if (a === '--redis') redis = value();
      else if (a === '--concurrency') concurrency = whole(a, value(), 1, 64);
      else if (a === '--lock-ms') lockMs = whole(a, value(), 500, 3_600_000);
      else if (a === '--stalled-ms') stalledMs = whole(a, value(), 250, 3_600_000);
      else if (a === '--port') port = whole(a, value(), 0, 65_535);
      else if (a === '--host') host = value();
      else if (command === 'run' && file === null) file = a;
      else return err(`unexpected argument "${a}"`);
    } catch (e) {
      return err((e as Error).message);
    }
  }
  if (command === 'worker') return ok({ command, redis: redis ?? 'redis://127.0.0.1:6379', concurrency, lockMs, stalledMs });
  if (command === 'serve') return ok({ command, redis, port, host });
  if (file === null) return err('run needs a sheet file');
  if (redis !== null && workers !== null) return err('--workers is for local runs; on the queue each `sweepsheet worker` sets its own --concurrency');
  return ok({ command: 'run', file, workers, sort, json, rerun, redis });
}
