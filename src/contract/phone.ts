/**
 * Callers' phone numbers as jiesu stores them: a mobile as 11 digits, a landline as area code, hyphen, number
 * (and extension). The intake schema and the operator's screen normalise with the same function, so the screen
 * looks a caller up by the number the ticket will carry.
 */

/** A Chinese mobile: 1[3-9] and nine more digits. */
export const MOBILE = /^1[3-9]\d{9}$/;
/** A landline: 0 + a 2–3 digit area code + 7–8 digits, optional extension. */
export const LANDLINE = /^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$/;

/**
 * The number as stored, or null when it is neither a mobile nor a landline. Spaces, brackets and a +86 / 0086
 * prefix go; a mobile written with hyphens (138-1234-5678) loses them; a landline gets one hyphen after its area
 * code (010-12345678; 3-digit codes 010 and 02x, else 4 digits).
 */
export function normalisePhone(raw: string): string | null {
  const s = raw
    .trim()
    .replace(/[\s()]/g, '')
    .replace(/^(\+86|0086)-?/, '');
  const digits = s.replace(/-/g, '');
  if (MOBILE.test(digits)) return digits;
  if (!LANDLINE.test(s)) return null;
  return s.replace(/^(0(?:10|2\d|[3-9]\d{2}))-?/, '$1-');
}
