/** Hostile values for the fuzz tests (test/security/fuzz*.test.ts): strings, numbers, JSON values, raw bodies, headers, path parameters and query strings. */
import fc from 'fast-check';

export const INJECTIONS = [
  "'); DROP TABLE tickets;--",
  "' OR '1'='1",
  '1 OR 1=1',
  '"; SELECT pg_sleep(5);--',
  "1; UPDATE users SET role='admin'--",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent literally
  '{{7*7}}${7*7}<%= 7*7 %>',
];
const WEIRD = [
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\uFFFF',
  '\uD800',
  '\u202Egnp.exe',
  '🙂'.repeat(300),
  '١٢٣',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  '9'.repeat(40),
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  ' ',
  '\t\r\n',
  'ＤＲＯＰ',
  'x'.repeat(5000),
];
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS, ...WEIRD) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 3000 }) },
);
export const hostileNumber = fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE, -0);
const leaf = fc.oneof(hostileString, hostileNumber, fc.integer(), fc.boolean(), fc.constant(null));
export const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf')), tie('v'), {
      maxKeys: 4,
    }),
  ),
})).v;

/** Bodies that are not what JSON.stringify makes: broken, odd top-level values, pollution attempts, deep nesting. */
export const RAW_BODIES = [
  '{',
  '{"a":',
  '[1,2',
  'null',
  '"just a string"',
  '123',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '{"__proto__":{"polluted":true,"role":"admin"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"version":1,"version":2}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"n":1e999}',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  `{"content":"${'长'.repeat(90_000)}"}`,
  'x'.repeat(300 * 1024),
];

export const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
export const HEADER_CHOICES: Record<string, fc.Arbitrary<string>> = {
  'content-type': fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'text/plain',
    'text/calendar',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=zzz',
    'application/xml',
    'application/merge-patch+json',
    '*/*',
    'garbage',
  ),
  authorization: fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer a b', 'Basic YWRtaW46YWRtaW4=', "Bearer ' OR 1=1--", 'Digest x', `Bearer ${'A'.repeat(8000)}`),
    printable.map((s) => `Bearer jst_${s.replace(/\s/g, '')}`),
  ),
  cookie: fc.oneof(
    fc.constantFrom(
      'jiesu_session=garbage',
      'jiesu_session=%ff%fe',
      'jiesu_session=',
      'jiesu_session="q"',
      'a=b; jiesu_session=x; jiesu_session=y',
      `jiesu_session=${'a'.repeat(4000)}`,
      "jiesu_session=' OR 1=1",
    ),
    printable.map((s) => `jiesu_session=${encodeURIComponent(s)}`),
  ),
  'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'bogus', 'gzip, gzip'),
  'x-csrf-token': printable,
  'accept-language': fc.oneof(printable, fc.constantFrom('en', 'zh-CN', '*', 'xx-YY;q=abc', 'en;q=0.5, zh;q=0.9')),
  'x-request-id': printable,
  'idempotency-key': printable,
  'x-file-name': fc.oneof(printable, fc.constantFrom('..%2F..%2Fevil.sh', '%ff', encodeURIComponent('<script>.png'))),
  'x-forwarded-for': printable,
  accept: fc.constantFrom('*/*', 'text/csv', 'application/xml', 'image/png', ''),
};
export const headers = fc
  .subarray(Object.keys(HEADER_CHOICES), { maxLength: 4 })
  .chain((names) => (names.length ? fc.record(Object.fromEntries(names.map((n) => [n, HEADER_CHOICES[n]!]))) : fc.constant({} as Record<string, string>)));

const HOSTILE_PARAMS = [
  '..',
  '../',
  '..%2F..',
  '1 OR 1=1',
  "1'--",
  '%00',
  '1%00',
  '-1',
  '0',
  '1.5',
  '1e9',
  '0x7fffffff',
  '%20999999999',
  '9'.repeat(30),
  '%ff',
  '%F0%9F%98%80',
  'x'.repeat(3000),
  '%2e%2e',
  'null',
  '__proto__',
];
// No small plain numbers: those are real ids (a fuzzed admin would deactivate the very users the cases act as);
// real ids come from the route's valid request instead.
export const paramValue = fc.oneof(
  fc.constantFrom(...HOSTILE_PARAMS),
  printable.filter((s) => s.length > 0 && !/^\s*\d{1,9}\s*$/.test(s)).map(encodeURIComponent),
);

/** A query string of our own making (keys repeated, odd encodings, names the route knows and does not). */
export function queryArb(known: string[]) {
  const key = fc.oneof(
    fc.constantFrom(...known, 'limit', 'before', '__proto__', 'a[b]', 'q'),
    printable.filter((s) => s.length > 0 && s.length < 20),
  );
  const val = fc.oneof(fc.constantFrom(...HOSTILE_PARAMS, ...INJECTIONS), printable, hostileNumber.map(String));
  return fc
    .array(fc.tuple(key, val, fc.boolean()), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v, raw]) => (raw && !/[&#]/.test(v) ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&'));
}
