import { BaseServiceConfig } from '../config/base-service.config';
import { composeConfig } from '../config/compose-config';
import { loadConfig } from '../config/config-loader';
import { HttpClientConfig } from './http-client.config';
import { httpClientPolicyFromConfig } from './http-client.policy';

class CallerConfig extends composeConfig(BaseServiceConfig, HttpClientConfig) {
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
  it('defaults to a bounded policy', () => {
    const config = loadConfig(CallerConfig, REQUIRED);
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
      HTTP_CLIENT_TIMEOUT_MS: '500',
      HTTP_CLIENT_ATTEMPT_TIMEOUT_MS: '2000',
      HTTP_CLIENT_RETRY_BUDGET_PERCENT: '10',
    });
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
        HTTP_CLIENT_MAX_RETRIES: '99',
        HTTP_CLIENT_BREAKER_ERROR_PERCENT: '0',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('HTTP_CLIENT_MAX_RETRIES');
    expect(message).toContain('HTTP_CLIENT_BREAKER_ERROR_PERCENT');
  });
});
