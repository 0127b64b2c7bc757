/**
 * Phone numbers in free text: the one function that finds and masks them (demands, titles, notes, contact
 * summaries, replies, request reasons, decision notes…). Pure; applied where text is presented, never to what
 * is stored. Who sees what is decided by `textMask` in tickets/policy.ts.
 *
 * Masked, in any of these spellings:
 * - mobiles: 13812345678, 138-1234-5678, 138 1234 5678, 138.1234.5678, +86 138 1234 5678, +8613812345678,
 *   0086-13812345678, (+86)13812345678, 86 13812345678 — 11 digits starting 13–19, grouped 3-4-4 or not at all;
 * - landlines with an area code: 010-12345678, 0531-88888888, 0531 8888 8888, (0531)8888 8888, (010)12345678,
 *   0755-2345678, +86 10 12345678, 0531-88888888-123, 0531-88888888转123 (the extension is masked too);
 * - 7–8 digit local numbers only right after a word that says so (电话, 手机, 座机, 固话, 联系方式, tel, phone):
 *   "电话：8888 6666";
 * full-width digits, parentheses, plus signs and hyphens (１３８, （０５３１）, －) and the ideographic space count
 * like their ASCII forms.
 *
 * Deliberately left alone: anything inside a longer run of digits (bank cards, 18-digit ID numbers — units need an
 * ID to handle 社保/户籍 matters, so IDs are not phone numbers here; the public texts and the report remove them
 * separately: `redactContactDetails`), ticket numbers (20260310-000123), dates (2026-03-10, 20260310), times,
 * amounts (12345678元, 1,380,000), house numbers, short service numbers (110, 12345, 95588) and 400/800 numbers
 * (businesses'), 7–8 digits with no area code and no word saying "phone", 12-digit runs that start like a mobile.
 * Text already masked (138****5678) is not masked again.
 */

/** How free text is shown: whole, with each number partly masked, or with each number replaced. */
export type TextMask = 'none' | 'partial' | 'redact';

/** What replaces a whole number in 'redact' mode (and an e-mail or ID number in redactContactDetails). */
export const REDACTED = '****';

const SEP = '[ .-]';
/** A group boundary: no digit or mask star right before or after the number. */
const B0 = '(?<![\\d*])';
const B1 = '(?![\\d*])';
const AREA = '0(?:10|2\\d|[3-9]\\d{2})';
const AREA_INTL = '(?:10|2\\d|[3-9]\\d{2})';
const PREFIX_86 = `(?:(?:\\+|00)?86${SEP}?|\\(\\+?86\\)${SEP}?)`;
/** 7–8 digits after an area code: may start with 1 (010-12345678, a Beijing number as people write it), never with 0 */
const SUBSCRIBER = `[1-9]\\d{2,3}[ -]?\\d{4}`;
/** A number without its area code: never starts with 0 or 1 */
const LOCAL = `[2-9]\\d{2,3}[ -]?\\d{4}`;
const EXTENSION = '(?:(?:-|转|ext\\.? ?|x)\\d{1,6})';
const KEYWORD = '(?:电话|手机|座机|固话|联系方式|联系号码|手机号|tel|phone)';

type Kind = 'mobile' | 'landline';
/** Named groups: `pre` (country code, kept in partial mode), `num` (the number), `ext` (an extension). */
const PATTERNS: [Kind, RegExp][] = [
  ['mobile', new RegExp(`${B0}(?<pre>${PREFIX_86})?(?<num>1[3-9]\\d${SEP}?\\d{4}${SEP}?\\d{4})${B1}`, 'dgi')],
  [
    'landline',
    new RegExp(
      `${B0}(?:(?<pre>${PREFIX_86})(?<num>${AREA_INTL}${SEP}?${SUBSCRIBER})|(?<num2>(?:${AREA}|\\(${AREA}\\))${SEP}?${SUBSCRIBER}))(?<ext>${EXTENSION})?${B1}`,
      'dgi',
    ),
  ],
  ['landline', new RegExp(`(?<=${KEYWORD}[^\\d\\n]{0,4})(?<num>${LOCAL})(?<ext>${EXTENSION})?(?![\\d*]|-\\d)`, 'dgi')],
];

/** Full-width forms → ASCII, one UTF-16 unit for one, so positions in the normalised text are positions in the original. */
function normalise(text: string): string {
  return text.replace(/[\uff10-\uff19\uff0b\uff08\uff09\uff0d\u3000\u2010-\u2015\u2212\u00a0]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    if (code === 0x3000 || code === 0xa0) return ' ';
    return '-';
  });
}

type Found = { start: number; end: number; kind: Kind; pre: [number, number] | null; num: [number, number]; ext: [number, number] | null };

/** Every phone number in the text, in order, none overlapping. */
export function findPhoneNumbers(text: string): Found[] {
  const norm = normalise(text);
  const all: Found[] = [];
  for (const [kind, re] of PATTERNS) {
    re.lastIndex = 0;
    for (const m of norm.matchAll(re)) {
      const g = (m as RegExpMatchArray & { indices: { groups: Record<string, [number, number] | undefined> } }).indices.groups;
      all.push({ start: m.index!, end: m.index! + m[0].length, kind, pre: g.pre ?? null, num: (g.num ?? g.num2)!, ext: g.ext ?? null });
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Found[] = [];
  for (const f of all) if (!out.length || f.start >= out.at(-1)!.end) out.push(f);
  return out;
}

const isDigit = (c: string) => /[0-9\uff10-\uff19]/.test(c);

/** One number, partly masked: a mobile keeps its first 3 and last 4 digits, a landline its last 4; the country code stays. */
function partial(text: string, f: Found): string {
  const digitsAt = (from: number, to: number) => [...Array(to - from).keys()].map((i) => from + i).filter((i) => isDigit(text[i]!));
  const num = digitsAt(f.num[0], f.num[1]);
  const keep = new Set(f.kind === 'mobile' ? [...num.slice(0, 3), ...num.slice(-4)] : num.slice(-4));
  if (f.pre) for (const i of digitsAt(f.pre[0], f.pre[1])) keep.add(i);
  let s = '';
  for (let i = f.start; i < f.end; i++) s += isDigit(text[i]!) && !keep.has(i) ? '*' : text[i];
  return s;
}

/** The text with every phone number in it masked as `mode` says ('none': unchanged). */
export function maskPhoneNumbers(text: string, mode: TextMask): string {
  if (mode === 'none' || !text) return text;
  const found = findPhoneNumbers(text);
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + (mode === 'redact' ? REDACTED : partial(text, f));
    at = f.end;
  }
  return out + text.slice(at);
}

/** Every string in a value (an event's payload), masked; other values as they are. */
export function maskPhoneNumbersDeep<T>(value: T, mode: TextMask): T {
  if (mode === 'none') return value;
  if (typeof value === 'string') return maskPhoneNumbers(value, mode) as T;
  if (Array.isArray(value)) return value.map((v) => maskPhoneNumbersDeep(v, mode)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPhoneNumbersDeep(v, mode)])) as T;
  }
  return value;
}

/**
 * A search term with 4 or more digits in a row (spaces, dots and hyphens between them count as nothing). Whoever
 * sees numbers masked must not search free text by them: '1381', '13812', '138123'… would find the hidden
 * digits one at a time.
 */
export function probesDigits(term: string): boolean {
  return /\d(?:[ .-]?\d){3}/.test(normalise(term));
}

const ID_CARD = /(?<![\d*])\d{17}[\dXx](?![\d*])/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** For text that leaves the centre (Open311's public texts, the monthly report): phone numbers, ID numbers and e-mails replaced. */
export function redactContactDetails(text: string): string {
  return maskPhoneNumbers(text, 'redact').replace(ID_CARD, REDACTED).replace(EMAIL, REDACTED);
}
