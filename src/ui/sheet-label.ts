/**
 * What to call a sheet that has no title. A sheet's id in the browser (`file:<name>:<time>`,
 * `fixture:<name>`, `link:<time>`) is a storage key, not a name: an untitled file showed
 * "file:f.sheet.json:1795443620676" as its heading and in Recent sheets.
 */

/** The sheet's title, else the name it was opened under (the file's or the fixture's), else `untitled`. */
export function sheetLabel(title: string, id: string, untitled: string): string {
  if (title.trim() !== '') return title;
  const file = /^file:(.+):\d+$/s.exec(id);
  if (file) return file[1]!;
  const fixture = /^fixture:(.+)$/s.exec(id);
  if (fixture) return fixture[1]!;
  return untitled;
}
