/**
 * Where the code is in common services' messages. Each pattern has one capturing group: the code.
 * The fallback takes the first standalone group of 4–8 digits, which is what most services send.
 */
export const DEFAULT_CODE_PATTERNS: ReadonlyMap<string, RegExp> = new Map([
  ['telegram', /code[:\s]+(\d{5,6})\b/iu],
  ['whatsapp', /\b(\d{3}-?\d{3})\b/u],
  ['google', /\bG-(\d{6})\b/u],
  ['facebook', /\b(?:FB-)?(\d{5,8})\b/u],
  ['instagram', /\b(\d{3}\s?\d{3})\b/u],
  ['tiktok', /\b(\d{6})\b/u],
  ['discord', /\b(\d{6})\b/u],
  ['microsoft', /\b(\d{4,8})\b/u],
]);
const FALLBACK = /(?<![\d-])(\d{4,8})(?![\d-])/u;
const CODE = /^[A-Za-z0-9-]{1,32}$/;

/**
 * The verification code in `text` for `service`: the operator's pattern (SMS_CODE_PATTERNS) first,
 * then the built-in one, then the fallback; spaces and dashes inside an all-digit code are dropped
 * (123-456 is typed as 123456). Null when nothing looks like a code.
 */
export function extractCode(
  service: string,
  text: string,
  overrides: ReadonlyMap<string, RegExp>,
): string | null {
  for (const pattern of [overrides.get(service), DEFAULT_CODE_PATTERNS.get(service), FALLBACK]) {
    const found = pattern?.exec(text)?.[1];
    if (found === undefined) continue;
    const compact = found.replace(/[\s-]/gu, '');
    const code = /^\d+$/u.test(compact) ? compact : found.trim();
    if (CODE.test(code)) return code;
  }
  return null;
}
