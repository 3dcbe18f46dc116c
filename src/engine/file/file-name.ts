/**
 * The name a downloaded sheet or CSV gets, from the sheet's title: lower case, letters and digits
 * of any script joined by '-', at most 60 characters. Only ASCII was kept before, so a Korean
 * title (과대적합 실험) saved as "sheet.sheet.json".
 */

/** `title` as a file name stem; "sheet" when nothing is left of it. */
export function fileStem(title: string): string {
  const stem = [...title.trim().toLowerCase().normalize('NFC').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '')]
    .slice(0, 60).join('').replace(/-+$/, '');
  return stem === '' ? 'sheet' : stem;
}
