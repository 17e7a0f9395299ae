import { DEVICE_FIELD_LIMITS, DEVICE_SPEC_BOUNDS } from '@cloudphone/contracts';

/** One pool the autoscaler keeps: devices of exactly this spec in this region. */
export interface PoolTarget {
  region: string;
  androidVersion: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
  /** Free devices below this: provision the difference. */
  minFree: number;
  /** Free devices above this: retire the excess. */
  maxFree: number;
}

export const POOL_AUTOSCALE_FORMAT =
  'a JSON array of pools, e.g. [{"region":"eu-west-1","androidVersion":"13","cpuCores":4,"memoryMb":8192,' +
  '"storageGb":64,"minFree":5,"maxFree":20}] (minFree ≤ maxFree ≤ 10000; [] turns autoscaling off)';

const FIELDS = [
  'region',
  'androidVersion',
  'cpuCores',
  'memoryMb',
  'storageGb',
  'minFree',
  'maxFree',
] as const;
const MAX_POOLS = 100;
const MAX_FREE = 10_000;

/** Reads POOL_AUTOSCALE: every field required, bounded, and each pool (spec and region) named once. */
export function parsePoolAutoscale(raw: string): PoolTarget[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new Error('must be a JSON array of pools');
  if (parsed.length > MAX_POOLS) throw new Error(`may name at most ${MAX_POOLS} pools`);
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`[${index}] must be an object`);
    }
    const pool = entry as Record<string, unknown>;
    const unknown = Object.keys(pool).find((key) => !(FIELDS as readonly string[]).includes(key));
    if (unknown !== undefined) throw new Error(`[${index}].${unknown} is not a pool field`);
    const target = {
      region: text(pool, index, 'region', DEVICE_FIELD_LIMITS.regionPattern),
      androidVersion: text(pool, index, 'androidVersion', DEVICE_FIELD_LIMITS.androidVersionPattern),
      cpuCores: whole(
        pool,
        index,
        'cpuCores',
        DEVICE_SPEC_BOUNDS.cpuCores.min,
        DEVICE_SPEC_BOUNDS.cpuCores.max,
      ),
      memoryMb: whole(
        pool,
        index,
        'memoryMb',
        DEVICE_SPEC_BOUNDS.memoryMb.min,
        DEVICE_SPEC_BOUNDS.memoryMb.max,
      ),
      storageGb: whole(
        pool,
        index,
        'storageGb',
        DEVICE_SPEC_BOUNDS.storageGb.min,
        DEVICE_SPEC_BOUNDS.storageGb.max,
      ),
      minFree: whole(pool, index, 'minFree', 0, MAX_FREE),
      maxFree: whole(pool, index, 'maxFree', 0, MAX_FREE),
    };
    if (target.minFree > target.maxFree) throw new Error(`[${index}] minFree must not exceed maxFree`);
    const key = JSON.stringify([
      target.region,
      target.androidVersion,
      target.cpuCores,
      target.memoryMb,
      target.storageGb,
    ]);
    if (seen.has(key)) throw new Error(`[${index}] names the same pool as an earlier entry`);
    seen.add(key);
    return target;
  });
}

function text(pool: Record<string, unknown>, index: number, field: string, pattern: RegExp): string {
  const value = pool[field];
  if (typeof value !== 'string' || !pattern.test(value))
    throw new Error(`[${index}].${field} is missing or malformed`);
  return value;
}

function whole(
  pool: Record<string, unknown>,
  index: number,
  field: string,
  min: number,
  max: number,
): number {
  const value = pool[field];
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new Error(`[${index}].${field} must be a whole number from ${min} to ${max}`);
  }
  return value as number;
}
