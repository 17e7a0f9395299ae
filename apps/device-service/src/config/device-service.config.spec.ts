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
