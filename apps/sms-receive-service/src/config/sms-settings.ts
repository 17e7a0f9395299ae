/** One (service, country) pair the warm pool keeps `size` numbers of. */
export interface PoolTarget {
  service: string;
  countryCode: string;
  size: number;
}

const SERVICE = /^[a-z0-9_]{1,40}$/;
const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_PATTERN_LENGTH = 200;

export const SERVICE_PRICES_FORMAT =
  'comma-separated service:minorUnits pairs, e.g. telegram:30,whatsapp:60 (services lower-case, prices 0–1000000)';
export const CURRENCY_RATES_FORMAT =
  'comma-separated CODE:rate pairs, e.g. USD:1,RUB:0.011 (the worth of one unit in SMS_CURRENCY; rates > 0)';
export const POOL_TARGETS_FORMAT =
  'comma-separated service:COUNTRY:size triples, e.g. telegram:GB:2,whatsapp:US:1 (size 1–50; empty: no pool)';
export const CODE_PATTERNS_FORMAT =
  'a JSON object of service → regular expression with one capturing group for the code, e.g. {"telegram":"code:? (\\\\d{5})"}';

/** `a:1,b:2` into its entries, refusing empty items and repeated keys. */
function entries(raw: string, arity: number): string[][] {
  const seen = new Set<string>();
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const parts = item.split(':');
      if (parts.length !== arity) throw new Error(`"${item}" is not ${arity} parts separated by ':'`);
      const key = parts.slice(0, arity - 1).join(':');
      if (seen.has(key)) throw new Error(`"${key}" is given twice`);
      seen.add(key);
      return parts;
    });
}

export function parseServicePrices(raw: string): Map<string, number> {
  return new Map(
    entries(raw, 2).map(([service, price]) => {
      if (!SERVICE.test(service)) throw new Error(`"${service}" is not a service name`);
      if (!/^\d{1,7}$/.test(price) || Number(price) > 1_000_000)
        throw new Error(`"${price}" is not a price in minor units`);
      return [service, Number(price)];
    }),
  );
}

export function parseCurrencyRates(raw: string): Map<string, number> {
  return new Map(
    entries(raw, 2).map(([currency, rate]) => {
      if (!CURRENCY.test(currency)) throw new Error(`"${currency}" is not an ISO 4217 code`);
      const value = Number(rate);
      if (!/^\d+(\.\d+)?$/.test(rate) || !(value > 0) || value > 1_000_000)
        throw new Error(`"${rate}" is not a positive rate`);
      return [currency, value];
    }),
  );
}

export function parsePoolTargets(raw: string): PoolTarget[] {
  return entries(raw, 3).map(([service, countryCode, size]) => {
    if (!SERVICE.test(service)) throw new Error(`"${service}" is not a service name`);
    if (!COUNTRY.test(countryCode))
      throw new Error(`"${countryCode}" is not an ISO 3166 alpha-2 code in capitals`);
    if (!/^\d{1,2}$/.test(size) || Number(size) < 1 || Number(size) > 50)
      throw new Error(`"${size}" is not a size of 1–50`);
    return { service, countryCode, size: Number(size) };
  });
}

export function parseCodePatterns(raw: string): Map<string, RegExp> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('it is not a JSON object');
  return new Map(
    Object.entries(parsed).map(([service, source]) => {
      if (!SERVICE.test(service)) throw new Error(`"${service}" is not a service name`);
      if (typeof source !== 'string' || source.length === 0 || source.length > MAX_PATTERN_LENGTH) {
        throw new Error(`the pattern of ${service} must be a string of 1–${MAX_PATTERN_LENGTH} characters`);
      }
      let pattern: RegExp;
      try {
        pattern = new RegExp(source, 'iu');
      } catch (error) {
        throw new Error(`the pattern of ${service} does not compile: ${(error as Error).message}`);
      }
      // One capturing group: the code. A test match against '' counts the groups.
      if (new RegExp(`${source}|`, 'u').exec('')!.length !== 2) {
        throw new Error(`the pattern of ${service} must have exactly one capturing group`);
      }
      return [service, pattern];
    }),
  );
}
