/**
 * Which sheet the page opens: the example lesson, or `?sheet=<fixture-name>` from fixtures/.
 * Fixtures are bundled as text and read through readSheetFile, like any file from a stranger.
 */
import exampleSheet from '../../fixtures/lesson-xor-lr.sheet.json?raw';
import { type Result, err } from '../engine/errors.ts';
import { type SheetFile, readSheetFile } from '../engine/sheet-file.ts';

export const DEFAULT_SHEET = 'lesson-xor-lr';

const fixtures: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>('../../fixtures/*.sheet.json', { eager: true, query: '?raw', import: 'default' }),
  ).map(([path, text]) => [fixtureName(path), text]),
);

function fixtureName(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.sheet\.json$/, '');
}

export function fixtureNames(): string[] {
  return Object.keys(fixtures).sort();
}

export interface LoadedSheet {
  readonly name: string;
  readonly file: SheetFile;
}

/** Read the sheet named by the page's query string; an unknown name or a bad file is a message. */
export function loadSheet(search: string): Result<LoadedSheet, string> {
  const requested = new URLSearchParams(search).get('sheet');
  const name = requested === null || requested === '' ? DEFAULT_SHEET : fixtureName(requested);
  const text = name === DEFAULT_SHEET ? exampleSheet : fixtures[name];
  if (text === undefined) {
    return err(`there is no sheet "${name}"; the sheets are: ${fixtureNames().join(', ')}`);
  }
  const read = readSheetFile(text);
  if (!read.ok) return err(`the sheet "${name}" could not be read: ${read.error}`);
  return { ok: true, value: { name, file: read.value } };
}
