import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { RawJson } from './fuzz-request';

/** An object with an own, enumerable key of any name (`__proto__` included, which `{}` syntax would not make). */
export function withKey(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** `depth` arrays around a value, as JSON text (no recursion, whatever the depth). */
export function nestedJson(depth: number, inner = '1'): RawJson {
  return new RawJson(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`);
}

/** Text for path parameters, query values and string fields: what Postgres, parsers and lookups trip on. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ude00\ud83d',
  '\uffff\ufffe',
  '😀',
  '',
  ' ',
  '\t\r\n',
  'x'.repeat(5_000),
  '%00',
  '%',
  '%zz',
  '../../../etc/passwd',
  "' OR '1'='1",
  '; DROP TABLE users; --',
  '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>',
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'prototype',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '-0',
  '0x10',
  '1e309',
  '1e3',
  '99999999999999999999',
  '9007199254740993',
  '2147483648',
  '-2147483649',
  '32768',
  '1.5',
  ' 1',
  '١٢٣',
  'İ',
  '\u202e\u200b',
  'a:b=c',
  '00000000-0000-0000-0000-000000000000',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '2024-02-30',
  '2024-01-01T24:00:00Z',
  '2024-01-01T10:00:00+99:99',
];

/** Text at and past the bounds of the typed parsers (integers, dates): every query parameter gets each. */
export const BOUNDARY_STRINGS: readonly string[] = [
  '-0',
  '1e3',
  '1.5',
  '99999999999999999999',
  '2147483648',
  '-2147483649',
  '32768',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '2024-02-30',
  '2024-01-01T24:00:00Z',
  '2024-01-01T10:00:00+99:99',
];

/** Non-string JSON for fields and whole bodies: numbers at and past every type's bounds, and shapes. */
export const HOSTILE_JSON: readonly unknown[] = [
  0,
  new RawJson('-0'),
  -1,
  1.5,
  0.1,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_649,
  32_768,
  -32_769,
  2 ** 53,
  new RawJson('9007199254740993'),
  new RawJson('18446744073709551616'),
  1e308,
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('1e-400'),
  new RawJson('1E2'),
  true,
  false,
  null,
  [],
  {},
  [1],
  ['x'],
  [[['x']]],
  { a: 1 },
  withKey({}, '__proto__', { polluted: true }),
  withKey({}, 'constructor', { prototype: { polluted: true } }),
  nestedJson(31),
  nestedJson(40),
  nestedJson(5_000),
  new RawJson(`[${'0,'.repeat(20_000)}0]`),
];

/** Keys to add to a body: prototype names, NUL, and names no DTO declares. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'a\u0000',
  '\ud800',
  '',
  'unknownField',
  'x'.repeat(1_000),
];

/** Query strings written as is: duplicates, bracket syntax, broken escapes, prototype names. */
export function hostileQueryStrings(parameter: string): string[] {
  return [
    `${parameter}=1&${parameter}=2`,
    `${parameter}[]=1`,
    `${parameter}[0]=1&${parameter}[1]=2`,
    `${parameter}[__proto__]=1`,
    `${parameter}=%zz`,
    `${parameter}=%E0%A4%A`,
    `${parameter}=%ED%A0%80`,
    `${parameter}=%FF`,
    `${parameter}`,
    `${parameter}=`,
    '__proto__=1',
    'constructor=1',
    'hasOwnProperty=1',
    '__proto__[polluted]=1',
    'a%00=1',
    '=1',
    '&&&',
    `${'x'.repeat(4_000)}=1`,
  ];
}

const JSON_TYPE = { 'content-type': 'application/json' };

interface HostileBody {
  label: string;
  bytes: Buffer;
  headers: Record<string, string>;
}

let hostileBodyList: HostileBody[] | undefined;

/**
 * Whole bodies as bytes with their headers: every way a body can fail to be the JSON it claims.
 * Built once for every route of a run: compressing the gzip bomb alone takes a while.
 */
export function hostileBodies(): HostileBody[] {
  return (hostileBodyList ??= buildHostileBodies());
}

function buildHostileBodies(): HostileBody[] {
  const text = (label: string, body: string, headers: Record<string, string> = JSON_TYPE) => ({
    label,
    bytes: Buffer.from(body, 'utf8'),
    headers,
  });
  const bytes = (label: string, body: number[] | Buffer, headers: Record<string, string> = JSON_TYPE) => ({
    label,
    bytes: Buffer.isBuffer(body) ? body : Buffer.from(body),
    headers,
  });
  return [
    text('not JSON', 'not json'),
    text('truncated JSON', '{"a":'),
    text('top-level string', '"text"'),
    text('top-level number', '123'),
    text('top-level null', 'null'),
    text('empty array', '[]'),
    text('trailing comma', '{"a":1,}'),
    text('comment', '// c\n{}'),
    text('duplicate keys', '{"a":1,"a":"2"}'),
    text('NaN literal', '{"a":NaN}'),
    text('byte order mark', '\ufeff{}'),
    text('escaped NUL key', '{"\\u0000":1}'),
    text(
      'prototype pollution',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    ),
    bytes('invalid UTF-8 (0xff)', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    bytes('overlong UTF-8', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
    bytes('UTF-8 surrogate', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    bytes('beyond U+10FFFF', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x7d]),
    text('nested 40 deep', `{"a":${nestedJson(40).text}}`),
    text('nested 100,000 deep', nestedJson(100_000).text),
    text('20,000 values', `[${'0,'.repeat(20_000)}0]`),
    text('300 KB', `{"a":"${'x'.repeat(300_000)}"}`),
    bytes('gzip bomb (10 MB inflated)', gzipSync(Buffer.from(`{"a":"${'0'.repeat(10_000_000)}"}`)), {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    }),
    text('plain body labelled gzip', '{}', { ...JSON_TYPE, 'content-encoding': 'gzip' }),
    text('plain body labelled deflate', '{}', { ...JSON_TYPE, 'content-encoding': 'deflate' }),
    text('plain body labelled br', '{}', { ...JSON_TYPE, 'content-encoding': 'br' }),
    text('two encodings', '{}', { ...JSON_TYPE, 'content-encoding': 'gzip, gzip' }),
    text('unknown encoding', '{}', { ...JSON_TYPE, 'content-encoding': 'compress' }),
    bytes('truncated gzip', gzipSync(Buffer.from('{"a":1}')).subarray(0, 12), {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    }),
    text('text/plain', '{}', { 'content-type': 'text/plain' }),
    text('form', 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' }),
    text('multipart', '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }),
    text('xml', '<a/>', { 'content-type': 'application/xml' }),
    text('no content type', '{}', {}),
    text('two content types', '{}', { 'content-type': 'application/json, text/plain' }),
    text('latin1 charset', '{}', { 'content-type': 'application/json; charset=latin1' }),
    bytes('UTF-16 charset', Buffer.from('{}', 'utf16le'), {
      'content-type': 'application/json; charset=utf-16',
    }),
    text('unknown charset', '{}', { 'content-type': 'application/json; charset=x-unknown' }),
  ];
}

/** Headers that reach authentication, idempotency and request-id handling. */
export const HOSTILE_HEADERS: ReadonlyArray<[string, string]> = [
  ['authorization', 'Bearer '],
  ['authorization', 'Bearer x.y.z'],
  ['authorization', `Bearer ${'a'.repeat(8_000)}`],
  ['authorization', 'Basic YTpi'],
  ['authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZXMiOlsiYWRtaW4iXX0.'],
  ['idempotency-key', 'x'.repeat(300)],
  ['idempotency-key', 'a b'],
  ['idempotency-key', '\u00e9\u00ff'],
  ['x-request-id', `${'r'.repeat(500)}`],
  ['x-request-id', '\u00ff\u00fe'],
];

/** Generated hostile values: any UTF-16 text (lone surrogates too), any JSON, numbers at every scale. */
export const hostileStringArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\ud800', '\udc00', ':', '=', '%', '/', 'a', '😀'),
    maxLength: 8,
  }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);

export const hostileJsonArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  hostileStringArbitrary,
  fc.constantFrom(...HOSTILE_JSON),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((value) => new RawJson(value.toString())),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 60 }).map((depth) => nestedJson(depth)),
);
