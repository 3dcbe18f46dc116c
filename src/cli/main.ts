/** Entry of the `sweepsheet` command. */
import { USAGE, parseArgs } from './args.ts';
import { runSheet } from './run.ts';

function ttyRedraw(): ((lines: string[]) => void) | null {
  if (!process.stdout.isTTY) return null;
  let shown = 0;
  return (lines) => {
    const width = process.stdout.columns || 120;
    if (shown > 0) process.stdout.write(`\x1b[${shown}A`);
    process.stdout.write(lines.map((l) => `\x1b[2K${l.slice(0, width - 1)}`).join('\n') + '\n');
    shown = lines.length;
  };
}

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`sweepsheet: ${parsed.error}\n\n${USAGE}`);
  process.exit(2);
}
const args = parsed.value;
if (args.command === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const plain = { out: (t: string) => console.log(t), err: (t: string) => console.error(t), redraw: null };
let code: number;
if (args.command === 'worker') {
  const { runWorker } = await import('./worker.ts');
  code = await runWorker(args, plain);
} else if (args.command === 'serve') {
  const { runServe } = await import('./serve.ts');
  code = await runServe(args, plain);
} else {
  code = await runSheet(args, { ...plain, redraw: args.json ? null : ttyRedraw() });
}
process.exit(code);
