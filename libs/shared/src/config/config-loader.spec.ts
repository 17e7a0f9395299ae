import { CronConfig } from '../cron/cron.config';
import { DatabaseConfig } from '../database/database.config';
import { MessagingConfig } from '../messaging/messaging.config';
import { RedisConfig } from '../redis/redis.config';
import { AuthConfig } from '../auth/auth.config';
import { BaseServiceConfig } from './base-service.config';
import { composeConfig } from './compose-config';
import { loadConfig } from './config-loader';
import { ConfigValidationError } from './config-validation.error';
import { EnvInteger } from './env-variable.decorators';

class ExampleServiceConfig extends composeConfig(
  BaseServiceConfig,
  DatabaseConfig,
  RedisConfig,
  MessagingConfig,
  AuthConfig,
  CronConfig,
) {
  readonly serviceName = 'example-service';

  @EnvInteger('PORT', { default: 30099, min: 0, max: 65535 })
  port!: number;
}

const VALID = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/example',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'j'.repeat(32),
  SERVICE_TOKEN_SECRET: 's'.repeat(32),
};

function problemsFor(environment: Record<string, string | undefined>): string[] {
  try {
    loadConfig(ExampleServiceConfig, environment);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('builds a typed config with defaults for unset optional variables', () => {
    const config = loadConfig(ExampleServiceConfig, { ...VALID, PORT: '4000', DOCS_ENABLED: 'off' });
    expect(config.port).toBe(4000);
    expect(config.docsEnabled).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.databasePoolSize).toBe(10);
    expect(config.serviceName).toBe('example-service');
  });

  it.each(Object.keys(VALID))('names %s when it is missing', (variable) => {
    const problems = problemsFor({ ...VALID, [variable]: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${variable} is required`);
  });

  it.each([
    ['PORT', 'eighty', 'an integer between 0 and 65535'],
    ['PORT', '70000', 'an integer between 0 and 65535'],
    ['DATABASE_URL', 'mysql://localhost/x', 'postgres://'],
    ['REDIS_URL', 'not a url', 'redis://'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error'],
    ['JWT_SECRET', 'short', 'at least 32 characters'],
    ['DOCS_ENABLED', 'maybe', 'true or false'],
  ])('refuses malformed %s=%s and says what was expected', (variable, value, expected) => {
    const problems = problemsFor({ ...VALID, [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${variable} is malformed`);
    expect(problems[0]).toContain(expected);
  });

  it.each([
    ['CRON_SCHEDULE_OVERRIDES', '{"user-metrics": ', 'not valid JSON'],
    [
      'CRON_SCHEDULE_OVERRIDES',
      '{"user-metrics": "every minute"}',
      'job "user-metrics": invalid cron expression',
    ],
    [
      'CRON_SCHEDULE_OVERRIDES',
      '{"user-metrics": {"jitter": 5}}',
      'job "user-metrics": unknown field jitter',
    ],
    ['TRUST_PROXY', 'ingress', '"ingress" is not an IP address'],
  ])('refuses malformed %s=%s, saying exactly what is wrong', (variable, value, problem) => {
    const problems = problemsFor({ ...VALID, [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${variable} is malformed: ${problem}`);
    expect(problems[0]).toContain('expected');
  });

  it('reads CRON_SCHEDULE_OVERRIDES and TRUST_PROXY, with no overrides and no trusted proxy by default', () => {
    const defaults = loadConfig(ExampleServiceConfig, VALID);
    expect(defaults.cronScheduleOverrides).toEqual({});
    expect(defaults.trustProxy).toBe(false);
    const set = loadConfig(ExampleServiceConfig, {
      ...VALID,
      CRON_SCHEDULE_OVERRIDES: '{"user-metrics": "*/2 * * * * *", "events-housekeeping": {"disabled": true}}',
      TRUST_PROXY: '1',
    });
    expect(set.cronScheduleOverrides).toEqual({
      'user-metrics': { expression: '*/2 * * * * *' },
      'events-housekeeping': { disabled: true },
    });
    expect(set.trustProxy).toBe(1);
  });

  it('reports every problem at once and never echoes secrets or passwords', () => {
    const problems = problemsFor({
      ...VALID,
      JWT_SECRET: 'too-short-secret',
      DATABASE_URL: 'mysql://admin:hunter2@db/x',
      REDIS_URL: undefined,
    });
    expect(problems).toHaveLength(3);
    const text = problems.join('\n');
    expect(text).not.toContain('too-short-secret');
    expect(text).not.toContain('hunter2');
  });
});

describe('BaseServiceConfig.multiInstanceSignal', () => {
  const signal = (extra: Record<string, string>) =>
    loadConfig(ExampleServiceConfig, { ...VALID, ...extra }).multiInstanceSignal();

  it('is null for a lone process', () => expect(signal({})).toBeNull());
  it('sees CLUSTER_MODE=on', () => expect(signal({ CLUSTER_MODE: 'on' })).toContain('CLUSTER_MODE=on'));
  it('sees a PM2 cluster', () => expect(signal({ NODE_APP_INSTANCE: '2', instances: '3' })).toContain('PM2'));
  it('sees Kubernetes unless told the deployment has one replica', () => {
    expect(signal({ KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toContain('Kubernetes');
    expect(signal({ KUBERNETES_SERVICE_HOST: '10.0.0.1', CLUSTER_MODE: 'off' })).toBeNull();
  });
});
