/**
 * Cutting text from a cell or a file to a length, never between the halves of a surrogate pair
 * (an emoji cut in half prints as U+FFFD and is not valid UTF-16 text).
 */

/** `text` cut to at most `max` UTF-16 units; the same string when it fits. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/**
 * Text as a message quotes it: at most `max` characters, the cut marked with "…". A
 * 2,000-character cell quoted whole made a 2,000-character inline error.
 */
export function clipForMessage(s: string, max = 40): string {
  return s.length <= max ? s : `${cutText(s, max - 1)}…`;
}
