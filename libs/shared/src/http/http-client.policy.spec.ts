import { BaseServiceConfig } from '../config/base-service.config';
import { composeConfig } from '../config/compose-config';
import { loadConfig } from '../config/config-loader';
import { HttpClientConfig } from './http-client.config';
import { httpClientPolicyFromConfig } from './http-client.policy';
import { ServiceClientsConfig } from './service-clients.config';

class CallerConfig extends composeConfig(BaseServiceConfig, HttpClientConfig, ServiceClientsConfig) {
  readonly serviceName = 'device-service';
}

const REQUIRED = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'j'.repeat(32),
  SERVICE_TOKEN_SECRET: 's'.repeat(32),
};

describe('HTTP client configuration', () => {
  it('defaults to local targets, strict checks and a bounded policy', () => {
    const config = loadConfig(CallerConfig, REQUIRED);
    expect(config).toMatchObject({
      userServiceUrl: 'http://127.0.0.1:30001',
      billingServiceUrl: 'http://127.0.0.1:30005',
      quotaCheckWhenUnavailable: 'deny',
      balanceCheckWhenUnavailable: 'deny',
    });
    expect(httpClientPolicyFromConfig(config)).toMatchObject({
      deadlineMs: 3000,
      attemptTimeoutMs: 1000,
      maxRetries: 2,
      retryBudgetRatio: 0.2,
      breakerErrorPercent: 50,
    });
  });

  it('reads the variables and keeps the attempt timeout within the deadline', () => {
    const config = loadConfig(CallerConfig, {
      ...REQUIRED,
      USER_SERVICE_URL: 'https://users.internal:8443',
      HTTP_CLIENT_TIMEOUT_MS: '500',
      HTTP_CLIENT_ATTEMPT_TIMEOUT_MS: '2000',
      HTTP_CLIENT_RETRY_BUDGET_PERCENT: '10',
      QUOTA_CHECK_WHEN_UNAVAILABLE: 'allow',
    });
    expect(config.userServiceUrl).toBe('https://users.internal:8443');
    expect(config.quotaCheckWhenUnavailable).toBe('allow');
    expect(httpClientPolicyFromConfig(config)).toMatchObject({
      deadlineMs: 500,
      attemptTimeoutMs: 500,
      retryBudgetRatio: 0.1,
    });
  });

  it('refuses malformed values, naming each variable', () => {
    let message = '';
    try {
      loadConfig(CallerConfig, {
        ...REQUIRED,
        BILLING_SERVICE_URL: 'ftp://billing',
        BALANCE_CHECK_WHEN_UNAVAILABLE: 'maybe',
        HTTP_CLIENT_MAX_RETRIES: '99',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('BILLING_SERVICE_URL');
    expect(message).toContain('BALANCE_CHECK_WHEN_UNAVAILABLE');
    expect(message).toContain('HTTP_CLIENT_MAX_RETRIES');
  });
});
