import { CRON_JOB_NAME_PATTERN } from './cluster-safe-cron.decorator';
import { CronSchedule } from './cron-schedule';
import type { CronJobDefinition, CronScheduleOverride, CronScheduleOverrides } from './cron.types';

const FIELDS: ReadonlyArray<keyof CronScheduleOverride> = [
  'expression',
  'jitterMs',
  'minHoldMs',
  'maxRunMs',
  'disabled',
];
const MAX_DELAY_MS = 24 * 60 * 60_000;
/** The entry that applies to every job without one of its own. */
export const EVERY_CRON_JOB = '*';

export const NO_CRON_SCHEDULE_OVERRIDES: CronScheduleOverrides = Object.freeze({});

export const CRON_SCHEDULE_OVERRIDES_FORMAT =
  'a JSON object mapping job names (or "*" for every other job) to a cron expression or to ' +
  '{"expression"?: string, "jitterMs"?: integer, "minHoldMs"?: integer, "maxRunMs"?: integer, "disabled"?: boolean}';

/**
 * Reads CRON_SCHEDULE_OVERRIDES. Throws an Error naming the first bad job or field, so the
 * config loader stops the process at start; whether each job exists is checked once jobs are discovered.
 */
export function parseCronScheduleOverrides(raw: string): CronScheduleOverrides {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw new Error('not a JSON object');
  const overrides: Record<string, Readonly<CronScheduleOverride>> = {};
  for (const [job, value] of Object.entries(parsed)) {
    if (job !== EVERY_CRON_JOB && !CRON_JOB_NAME_PATTERN.test(job)) {
      throw new Error(`"${job}" is not a cron job name`);
    }
    overrides[job] = Object.freeze(parseEntry(job, value));
  }
  return Object.freeze(overrides);
}

/**
 * The discovered jobs with CRON_SCHEDULE_OVERRIDES applied: a job's own entry, else the `*` entry.
 * Throws when an entry names a job the service does not have, listing the ones it has: a misspelt
 * name must not silently change nothing.
 */
export function applyCronScheduleOverrides(
  definitions: readonly CronJobDefinition[],
  overrides: CronScheduleOverrides,
  serviceName: string,
): CronJobDefinition[] {
  const known = definitions.map((definition) => definition.name);
  const unknown = Object.keys(overrides).filter((job) => job !== EVERY_CRON_JOB && !known.includes(job));
  if (unknown.length > 0) {
    throw new Error(
      `CRON_SCHEDULE_OVERRIDES names ${unknown.map((job) => `"${job}"`).join(', ')}, which ` +
        `${serviceName} has no cron job of; its jobs are: ${known.join(', ') || '(none)'}`,
    );
  }
  return definitions.map((definition) => {
    const name = Object.hasOwn(overrides, definition.name) ? definition.name : EVERY_CRON_JOB;
    if (!Object.hasOwn(overrides, name)) return definition;
    const entry = overrides[name];
    return {
      ...definition,
      expression: entry.expression ?? definition.expression,
      jitterMs: entry.jitterMs ?? definition.jitterMs,
      minHoldMs: entry.minHoldMs ?? definition.minHoldMs,
      maxRunMs: entry.maxRunMs ?? definition.maxRunMs,
      disabled: entry.disabled ?? definition.disabled,
      override: { entry, declaredExpression: definition.expression },
    };
  });
}

function parseEntry(job: string, value: unknown): CronScheduleOverride {
  if (typeof value === 'string') return { expression: checkedExpression(job, value) };
  if (!isPlainObject(value)) throw new Error(`job "${job}": expected an expression or an object`);
  const keys = Object.keys(value);
  const unknownFields = keys.filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknownFields.length > 0) {
    throw new Error(
      `job "${job}": unknown field ${unknownFields.join(', ')} (allowed: ${FIELDS.join(', ')})`,
    );
  }
  if (keys.length === 0) throw new Error(`job "${job}": the override changes nothing`);
  const entry: CronScheduleOverride = {};
  if (value.expression !== undefined) entry.expression = checkedExpression(job, value.expression);
  for (const field of ['jitterMs', 'minHoldMs', 'maxRunMs'] as const) {
    const delay = value[field];
    if (delay === undefined) continue;
    const minimum = field === 'maxRunMs' ? 1 : 0;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < minimum || delay > MAX_DELAY_MS) {
      throw new Error(`job "${job}": ${field} must be an integer between ${minimum} and ${MAX_DELAY_MS}`);
    }
    entry[field] = delay;
  }
  if (value.disabled !== undefined) {
    if (typeof value.disabled !== 'boolean') throw new Error(`job "${job}": disabled must be true or false`);
    entry.disabled = value.disabled;
  }
  return entry;
}

function checkedExpression(job: string, expression: unknown): string {
  if (typeof expression !== 'string') throw new Error(`job "${job}": expression must be a string`);
  try {
    // The job's own time zone is applied at registration; the syntax does not depend on it.
    new CronSchedule(expression, 'UTC');
  } catch (error) {
    throw new Error(`job "${job}": invalid cron expression "${expression}" (${(error as Error).message})`);
  }
  return expression;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
