/**
 * Text from a cell or a file as a message quotes it: at most `max` characters, the cut marked
 * with "…" and never between the halves of a surrogate pair (an emoji cut in half prints as
 * U+FFFD). A 2,000-character cell quoted whole made a 2,000-character inline error.
 */
export function clipForMessage(s: string, max = 40): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}
