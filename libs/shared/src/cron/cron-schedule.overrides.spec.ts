import { applyCronScheduleOverrides, parseCronScheduleOverrides } from './cron-schedule.overrides';
import type { CronJobDefinition } from './cron.types';

function definition(name: string, fields: Partial<CronJobDefinition> = {}): CronJobDefinition {
  return {
    name,
    expression: '0 3 * * *',
    timeZone: 'UTC',
    maxRunMs: 60_000,
    minHoldMs: 0,
    overlap: 'skip',
    catchUp: false,
    jitterMs: 5000,
    handlerName: `Job.${name}`,
    handler: async () => undefined,
    ...fields,
  };
}

describe('parseCronScheduleOverrides', () => {
  it('reads an expression string or an object per job', () => {
    expect(
      parseCronScheduleOverrides(
        JSON.stringify({
          'user-metrics': '*/2 * * * * *',
          'events-housekeeping': { expression: '0 4 * * *', jitterMs: 0, minHoldMs: 1500 },
          'billing-metrics': { disabled: true },
        }),
      ),
    ).toEqual({
      'user-metrics': { expression: '*/2 * * * * *' },
      'events-housekeeping': { expression: '0 4 * * *', jitterMs: 0, minHoldMs: 1500 },
      'billing-metrics': { disabled: true },
    });
    expect(parseCronScheduleOverrides('{}')).toEqual({});
  });

  it.each([
    ['malformed JSON', '{"user-metrics": ', 'not valid JSON'],
    ['an array', '["user-metrics"]', 'not a JSON object'],
    [
      'a job name unusable in URLs and keys',
      '{"bad name": "* * * * *"}',
      '"bad name" is not a cron job name',
    ],
    [
      'a bad expression string',
      '{"user-metrics": "every minute"}',
      'job "user-metrics": invalid cron expression',
    ],
    [
      'a bad expression field',
      '{"a": {"expression": "61 * * * *"}}',
      'job "a": invalid cron expression "61 * * * *"',
    ],
    ['a non-string expression', '{"a": {"expression": 5}}', 'job "a": expression must be a string'],
    ['a number instead of an entry', '{"a": 5}', 'job "a": expected an expression or an object'],
    ['an unknown field', '{"a": {"timezone": "UTC"}}', 'job "a": unknown field timezone'],
    ['an empty entry', '{"a": {}}', 'job "a": the override changes nothing'],
    ['a negative jitter', '{"a": {"jitterMs": -1}}', 'job "a": jitterMs must be an integer'],
    ['a fractional minimum hold', '{"a": {"minHoldMs": 1.5}}', 'job "a": minHoldMs must be an integer'],
    ['a string jitter', '{"a": {"jitterMs": "100"}}', 'job "a": jitterMs must be an integer'],
    ['disabled as a string', '{"a": {"disabled": "yes"}}', 'job "a": disabled must be true or false'],
    ['a zero maximum run time', '{"a": {"maxRunMs": 0}}', 'job "a": maxRunMs must be an integer between 1'],
    ['a bad expression for every job', '{"*": "soon"}', 'job "*": invalid cron expression'],
  ])('refuses %s, naming the problem', (_case, raw, problem) => {
    expect(() => parseCronScheduleOverrides(raw)).toThrow(problem);
  });
});

describe('applyCronScheduleOverrides', () => {
  const jobs = [definition('user-metrics'), definition('events-housekeeping')];

  it('changes only the overridden fields and remembers the declared expression', () => {
    const [metrics, housekeeping] = applyCronScheduleOverrides(
      jobs,
      parseCronScheduleOverrides('{"user-metrics": {"expression": "* * * * * *", "jitterMs": 0}}'),
      'user-service',
    );
    expect(metrics).toMatchObject({
      expression: '* * * * * *',
      jitterMs: 0,
      minHoldMs: 0,
      maxRunMs: 60_000,
      override: { entry: { expression: '* * * * * *', jitterMs: 0 }, declaredExpression: '0 3 * * *' },
    });
    expect(metrics.disabled).toBeUndefined();
    expect(housekeeping).toBe(jobs[1]);
  });

  it('applies the "*" entry to every job without an entry of its own, in any service', () => {
    const [metrics, housekeeping] = applyCronScheduleOverrides(
      jobs,
      parseCronScheduleOverrides(
        JSON.stringify({
          '*': { expression: '*/2 * * * * *', jitterMs: 0, maxRunMs: 3000 },
          'events-housekeeping': { minHoldMs: 500 },
        }),
      ),
      'user-service',
    );
    expect(metrics).toMatchObject({ expression: '*/2 * * * * *', jitterMs: 0, maxRunMs: 3000, minHoldMs: 0 });
    expect(housekeeping).toMatchObject({
      expression: '0 3 * * *',
      jitterMs: 5000,
      maxRunMs: 60_000,
      minHoldMs: 500,
    });
  });

  it('disables a job without changing its schedule', () => {
    const [, housekeeping] = applyCronScheduleOverrides(
      jobs,
      parseCronScheduleOverrides('{"events-housekeeping": {"disabled": true}}'),
      'user-service',
    );
    expect(housekeeping).toMatchObject({ expression: '0 3 * * *', disabled: true });
  });

  it('refuses an override of a job the service does not have, listing the jobs it has', () => {
    expect(() =>
      applyCronScheduleOverrides(
        jobs,
        parseCronScheduleOverrides('{"user-metrics": "* * * * *", "device-metrics": "* * * * *"}'),
        'user-service',
      ),
    ).toThrow(
      'CRON_SCHEDULE_OVERRIDES names "device-metrics", which user-service has no cron job of; ' +
        'its jobs are: user-metrics, events-housekeeping',
    );
    // A name inherited from Object.prototype is no job either.
    expect(() =>
      applyCronScheduleOverrides(jobs, parseCronScheduleOverrides('{"constructor": "* * * * *"}'), 'x'),
    ).toThrow('"constructor"');
  });
});
