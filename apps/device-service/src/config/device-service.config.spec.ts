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

describe('DeviceServiceConfig: Redroid provider', () => {
  const refusal = (environment: Record<string, string>) => {
    try {
      loadConfig(DeviceServiceConfig, { ...REQUIRED, ...environment });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${JSON.stringify(environment)} was accepted`);
  };

  it('defaults everything but the Docker URL, which the simulated provider does without', () => {
    const config = loadConfig(DeviceServiceConfig, REQUIRED);
    expect(config).toMatchObject({
      deviceProvider: 'simulated',
      redroidApiVersion: '1.44',
      redroidImage: 'redroid/redroid:13.0.0-latest',
      redroidBootArgs:
        'androidboot.redroid_width=720 androidboot.redroid_height=1280 androidboot.redroid_dpi=320 androidboot.redroid_gpu_mode=guest',
      redroidAdvertisedHost: '127.0.0.1',
      redroidAdbBindIp: '127.0.0.1',
      redroidTimeoutMs: 30_000,
    });
    expect(config.redroidDockerUrl).toBeUndefined();
  });

  it('reads the variables', () => {
    const config = loadConfig(DeviceServiceConfig, {
      ...REQUIRED,
      DEVICE_PROVIDER: 'redroid',
      REDROID_DOCKER_URL: 'https://docker-proxy.internal:8443',
      REDROID_API_VERSION: '1.47',
      REDROID_IMAGE: 'registry.internal:5000/redroid/redroid:14.0.0_64only-latest',
      REDROID_BOOT_ARGS: 'androidboot.redroid_width=1080 androidboot.redroid_fps=30',
      REDROID_ADVERTISED_HOST: 'docker-host-1.internal',
      REDROID_ADB_BIND_IP: '10.0.0.5',
      REDROID_TIMEOUT_MS: '5000',
    });
    expect(config).toMatchObject({
      deviceProvider: 'redroid',
      redroidDockerUrl: 'https://docker-proxy.internal:8443',
      redroidApiVersion: '1.47',
      redroidImage: 'registry.internal:5000/redroid/redroid:14.0.0_64only-latest',
      redroidBootArgs: 'androidboot.redroid_width=1080 androidboot.redroid_fps=30',
      redroidAdvertisedHost: 'docker-host-1.internal',
      redroidAdbBindIp: '10.0.0.5',
      redroidTimeoutMs: 5000,
    });
    expect(config.requiredRedroidDockerUrl()).toBe('https://docker-proxy.internal:8443');
  });

  it('stops the start without REDROID_DOCKER_URL when DEVICE_PROVIDER=redroid, naming the variable', () => {
    const config = loadConfig(DeviceServiceConfig, { ...REQUIRED, DEVICE_PROVIDER: 'redroid' });
    expect(() => config.requiredRedroidDockerUrl()).toThrow(
      'REDROID_DOCKER_URL is required when DEVICE_PROVIDER=redroid',
    );
  });

  it('refuses malformed values, naming each variable', () => {
    const message = refusal({
      DEVICE_PROVIDER: 'docker',
      REDROID_DOCKER_URL: 'unix:///var/run/docker.sock',
      REDROID_API_VERSION: 'v1.44',
      REDROID_IMAGE: 'redroid image',
      REDROID_BOOT_ARGS: 'androidboot.redroid_width',
      REDROID_ADVERTISED_HOST: 'host/path',
      REDROID_ADB_BIND_IP: 'any',
      REDROID_TIMEOUT_MS: '10',
    });
    for (const variable of [
      'DEVICE_PROVIDER',
      'REDROID_DOCKER_URL',
      'REDROID_API_VERSION',
      'REDROID_IMAGE',
      'REDROID_BOOT_ARGS',
      'REDROID_ADVERTISED_HOST',
      'REDROID_ADB_BIND_IP',
      'REDROID_TIMEOUT_MS',
    ]) {
      expect(message).toContain(`${variable} is malformed`);
    }
  });
});
