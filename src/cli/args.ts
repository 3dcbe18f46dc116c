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
}

export type Args = RunArgs | { readonly command: 'help' };

export const USAGE = `usage: sweepsheet run SHEET.sheet.json [--workers N] [--sort COLUMN[:asc|:desc]] [--json] [--rerun]

  run        train every row of the sheet whose results are missing or stale, writing each
             finished row back into the file as it lands (a run killed halfway keeps them)
  --workers  worker threads (default: hardware threads minus one, at least one)
  --sort     column to order the printed rows by (default test_acc:desc)
  --json     print the rows as JSON instead of a table
  --rerun    retrain every row, even those with up-to-date results
exit code: 0 when every row trained, 1 when a row failed or is invalid, 2 on a usage or file error`;

const SORTABLE = new Set([...INPUT_COLUMNS, ...RESULT_COLUMNS].map((c) => c.key));

export function parseArgs(argv: readonly string[]): Result<Args, string> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return ok({ command: 'help' });
  if (command !== 'run') return err(`unknown command "${command}"`);
  let file: string | null = null;
  let workers: number | null = null;
  let sort = { column: 'test_acc', descending: true };
  let json = false;
  let rerun = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
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
      else if (a.startsWith('-')) return err(`unknown option ${a}`);
      else if (file === null) file = a;
      else return err(`unexpected argument "${a}"`);
    } catch (e) {
      return err((e as Error).message);
    }
  }
  if (file === null) return err('run needs a sheet file');
  return ok({ command: 'run', file, workers, sort, json, rerun });
}
