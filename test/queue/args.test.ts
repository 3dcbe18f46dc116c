/** The queue commands' arguments: defaults, ranges, and options that belong to another command. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.ts';

describe('sweepsheet worker / serve / run --redis arguments', () => {
  it.each<[string[], unknown]>([
    [['worker'], { command: 'worker', redis: 'redis://127.0.0.1:6379', concurrency: null, lockMs: null, stalledMs: null }],
    [['worker', '--redis', 'redis://10.0.0.2:6379', '--concurrency', '3', '--lock-ms', '2000', '--stalled-ms', '1000'],
      { command: 'worker', redis: 'redis://10.0.0.2:6379', concurrency: 3, lockMs: 2000, stalledMs: 1000 }],
    [['serve'], { command: 'serve', redis: null, port: 5173, host: '127.0.0.1' }],
    [['serve', '--redis', 'redis://127.0.0.1:6379', '--port', '8080'], { command: 'serve', redis: 'redis://127.0.0.1:6379', port: 8080, host: '127.0.0.1' }],
    [['run', 'a.sheet.json', '--redis', 'redis://127.0.0.1:6379'], { command: 'run', file: 'a.sheet.json', redis: 'redis://127.0.0.1:6379', workers: null }],
    [['run', 'a.sheet.json'], { command: 'run', redis: null }],
  ])('%j', (argv, expected) => {
    const r = parseArgs(argv);
    expect(r.ok && r.value).toMatchObject(expected as object);
  });

  it.each<[string[], string]>([
    [['worker', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 64'],
    [['worker', '--lock-ms', '10'], '--lock-ms must be a whole number from 500 to 3600000'],
    [['worker', 'file.sheet.json'], 'unexpected argument "file.sheet.json"'],
    [['worker', '--workers', '2'], 'unknown option --workers for worker'],
    [['serve', '--concurrency', '2'], 'unknown option --concurrency for serve'],
    [['serve', '--port', 'http'], '--port must be a whole number from 0 to 65535'],
    [['run', 'a.sheet.json', '--redis'], '--redis needs a value'],
    [['run', '--redis', 'redis://x'], 'run needs a sheet file'],
    [['run', 'a.sheet.json', '--redis', 'redis://x', '--workers', '2'], '--workers is for local runs; on the queue each `sweepsheet worker` sets its own --concurrency'],
  ])('%j is refused', (argv, message) => {
    expect(parseArgs(argv)).toEqual({ ok: false, error: message });
  });
});
