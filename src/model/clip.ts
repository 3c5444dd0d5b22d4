/** Cuts user text echoed in a message: one line, at most `max` characters, ASCII "..." when cut. */

/** Characters an echoed message keeps of a user's text (an option value, a filter token). */
export const ECHO_MAX = 40;

/**
 * `text` as it may appear in a one-line message: control characters (newlines, escapes) become "?",
 * and text longer than `max` keeps its first `max - 3` characters and "..." (ASCII: the message may
 * go to a terminal that is not UTF-8).
 */
export function clip(text: string, max = ECHO_MAX): string {
  let head = text.length > max ? text.slice(0, max - 3) : text;
  if (head.length < text.length && /[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1); // half a pair
  // eslint-disable-next-line no-control-regex
  const safe = head.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
  return text.length > max ? `${safe}...` : safe;
}
