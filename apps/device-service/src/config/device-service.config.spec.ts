import { loadConfig } from '@cloudphone/shared';
import { DeviceServiceConfig } from './device-service.config';

const REQUIRED = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'j'.repeat(32),
  SERVICE_TOKEN_SECRET: 's'.repeat(32),
};

describe('DeviceServiceConfig: platform services', () => {
  it('defaults to local targets and strict checks', () => {
    expect(loadConfig(DeviceServiceConfig, REQUIRED)).toMatchObject({
      userServiceUrl: 'http://127.0.0.1:30001',
      billingServiceUrl: 'http://127.0.0.1:30005',
      quotaCheckWhenUnavailable: 'deny',
      balanceCheckWhenUnavailable: 'deny',
    });
  });

  it('reads the variables', () => {
    const config = loadConfig(DeviceServiceConfig, {
      ...REQUIRED,
      USER_SERVICE_URL: 'https://users.internal:8443',
      BILLING_SERVICE_URL: 'http://billing-service:30005',
      QUOTA_CHECK_WHEN_UNAVAILABLE: 'allow',
      BALANCE_CHECK_WHEN_UNAVAILABLE: 'allow',
    });
    expect(config).toMatchObject({
      userServiceUrl: 'https://users.internal:8443',
      billingServiceUrl: 'http://billing-service:30005',
      quotaCheckWhenUnavailable: 'allow',
      balanceCheckWhenUnavailable: 'allow',
    });
  });

  it('refuses malformed values, naming each variable', () => {
    let message = '';
    try {
      loadConfig(DeviceServiceConfig, {
        ...REQUIRED,
        USER_SERVICE_URL: 'not a url',
        BILLING_SERVICE_URL: 'ftp://billing',
        QUOTA_CHECK_WHEN_UNAVAILABLE: 'sometimes',
        BALANCE_CHECK_WHEN_UNAVAILABLE: 'maybe',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('USER_SERVICE_URL');
    expect(message).toContain('BILLING_SERVICE_URL');
    expect(message).toContain('QUOTA_CHECK_WHEN_UNAVAILABLE');
    expect(message).toContain('BALANCE_CHECK_WHEN_UNAVAILABLE');
  });
});

describe('DeviceServiceConfig: EXTENSION_POLICIES', () => {
  const load = (raw: string) => loadConfig(DeviceServiceConfig, { ...REQUIRED, EXTENSION_POLICIES: raw });
  const refusal = (raw: string) => {
    try {
      load(raw);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${raw} was accepted`);
  };

  it('defaults every tier, and replaces only the fields given', () => {
    const defaults = loadConfig(DeviceServiceConfig, REQUIRED).extensionPolicies;
    expect(defaults.free).toEqual({
      maxExtensions: 1,
      maxMinutesPerExtension: 30,
      maxTotalMinutes: 30,
      cooldownMinutes: 10,
      windowMinutes: 15,
    });
    const tuned = load('{"free":{"maxExtensions":2},"enterprise":{"cooldownMinutes":3}}').extensionPolicies;
    expect(tuned.free).toEqual({ ...defaults.free, maxExtensions: 2 });
    expect(tuned.enterprise).toEqual({ ...defaults.enterprise, cooldownMinutes: 3 });
    expect(tuned.pro).toEqual(defaults.pro);
  });

  it('refuses what is not a policy, naming the variable and the problem', () => {
    expect(refusal('{"free":')).toMatch(/EXTENSION_POLICIES.*not valid JSON/s);
    expect(refusal('[]')).toContain('must be a JSON object keyed by tier');
    expect(refusal('{"gold":{}}')).toContain('"gold" is not a tier');
    expect(refusal('{"__proto__":{"maxExtensions":1}}')).toContain('"__proto__" is not a tier');
    expect(refusal('{"free":{"constructor":1}}')).toContain('free.constructor is not a policy field');
    expect(refusal('{"free":{"maxExtensions":1.5}}')).toContain('free.maxExtensions must be a whole number');
    expect(refusal('{"free":{"windowMinutes":0}}')).toContain('from 1 to');
    expect(refusal('{"pro":{"maxTotalMinutes":1e12}}')).toContain('pro.maxTotalMinutes');
    expect(refusal('{"pro":null}')).toContain('pro must be an object');
  });
});
