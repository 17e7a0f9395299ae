import { MessagingConfig } from '../messaging/messaging.config';
import { RedisConfig } from '../redis/redis.config';
import { loadConfig, type Environment } from './config-loader';
import { ConfigValidationError } from './config-validation.error';
import { EnvEnum, EnvUrl } from './env-variable.decorators';

class CoordinationConfig {
  @EnvUrl('REDIS_URL', {
    protocols: ['redis'],
    requiredUnless: { variable: 'COORDINATION_DRIVER', value: 'memory' },
  })
  redisUrl?: string;

  @EnvEnum('COORDINATION_DRIVER', ['redis', 'memory'] as const, { default: 'redis' })
  coordinationDriver!: 'redis' | 'memory';
}

function validationError(load: () => unknown): ConfigValidationError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig with requiredUnless', () => {
  it('requires the variable when the other one has another value, and names the exemption', () => {
    for (const environment of [
      {},
      { COORDINATION_DRIVER: 'redis' },
      { COORDINATION_DRIVER: 'redis', REDIS_URL: ' ' },
    ]) {
      const error = validationError(() => loadConfig(CoordinationConfig, environment));
      expect(error.problems).toHaveLength(1);
      expect(error.message).toContain('REDIS_URL is required unless COORDINATION_DRIVER=memory');
      expect(error.message).toContain('expected a URL starting with redis://');
    }
  });

  it('leaves the variable undefined when the other one has the exempting value', () => {
    const config = loadConfig(CoordinationConfig, { COORDINATION_DRIVER: 'memory' });
    expect(config.coordinationDriver).toBe('memory');
    expect(config.redisUrl).toBeUndefined();
  });

  it('compares the exempting value after trimming it', () => {
    expect(loadConfig(CoordinationConfig, { COORDINATION_DRIVER: ' memory ' }).redisUrl).toBeUndefined();
  });

  it('still rejects a malformed value when exempt', () => {
    for (const REDIS_URL of ['not a url', 'http://127.0.0.1:6379']) {
      const error = validationError(() =>
        loadConfig(CoordinationConfig, { COORDINATION_DRIVER: 'memory', REDIS_URL }),
      );
      expect(error.problems).toEqual([expect.stringContaining('REDIS_URL is malformed')]);
      expect(error.message).toContain(`got "${REDIS_URL}"`);
    }
  });

  it('keeps a well-formed value when exempt', () => {
    const config = loadConfig(CoordinationConfig, {
      COORDINATION_DRIVER: 'memory',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
  });
});

describe('RedisConfig', () => {
  it('requires REDIS_URL with the default driver (redis)', () => {
    for (const environment of [{}, { COORDINATION_DRIVER: 'redis' }] as Environment[]) {
      const error = validationError(() => loadConfig(RedisConfig, environment));
      expect(error.problems).toEqual([
        expect.stringContaining('REDIS_URL is required unless COORDINATION_DRIVER=memory'),
      ]);
    }
  });

  it('does without REDIS_URL when COORDINATION_DRIVER=memory', () => {
    const config = loadConfig(RedisConfig, { COORDINATION_DRIVER: 'memory' });
    expect(config.coordinationDriver).toBe('memory');
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisKeyPrefix).toBe('cloudphone:');
  });

  it('rejects a malformed REDIS_URL even when COORDINATION_DRIVER=memory', () => {
    const error = validationError(() =>
      loadConfig(RedisConfig, { COORDINATION_DRIVER: 'memory', REDIS_URL: 'amqp://127.0.0.1:5672' }),
    );
    expect(error.problems).toEqual([expect.stringContaining('REDIS_URL is malformed')]);
  });

  it('accepts rediss:// with the redis driver', () => {
    expect(loadConfig(RedisConfig, { REDIS_URL: 'rediss://cache:6380' }).redisUrl).toBe(
      'rediss://cache:6380',
    );
  });
});

describe('MessagingConfig', () => {
  it('requires RABBITMQ_URL with the default transport (rabbitmq)', () => {
    for (const environment of [{}, { EVENTS_TRANSPORT: 'rabbitmq' }] as Environment[]) {
      const error = validationError(() => loadConfig(MessagingConfig, environment));
      expect(error.problems).toEqual([
        expect.stringContaining('RABBITMQ_URL is required unless EVENTS_TRANSPORT=memory'),
      ]);
    }
  });

  it('does without RABBITMQ_URL when EVENTS_TRANSPORT=memory', () => {
    const config = loadConfig(MessagingConfig, { EVENTS_TRANSPORT: 'memory' });
    expect(config.eventsTransport).toBe('memory');
    expect(config.rabbitmqUrls).toBeUndefined();
  });

  it('rejects a malformed RABBITMQ_URL even when EVENTS_TRANSPORT=memory, without leaking its password', () => {
    const error = validationError(() =>
      loadConfig(MessagingConfig, {
        EVENTS_TRANSPORT: 'memory',
        RABBITMQ_URL: 'redis://guest:secret@mq:5672',
      }),
    );
    expect(error.problems).toEqual([expect.stringContaining('RABBITMQ_URL is malformed')]);
    expect(error.message).not.toContain('secret');
  });

  it('loads RABBITMQ_URL with the rabbitmq transport', () => {
    const config = loadConfig(MessagingConfig, { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672' });
    expect(config.eventsTransport).toBe('rabbitmq');
    expect(config.rabbitmqUrls).toEqual(['amqp://guest:guest@127.0.0.1:5672']);
  });
});
