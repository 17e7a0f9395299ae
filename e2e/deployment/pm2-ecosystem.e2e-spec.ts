import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { repositoryRoot } from '@cloudphone/shared/testing';
import { loadBuiltConfig, requiredVariables } from '../support/built-app-config';

interface Pm2App {
  name: string;
  script: string;
  exec_mode: string;
  instances: number | string;
  wait_ready: boolean;
  listen_timeout: number;
  kill_timeout: number;
  max_memory_restart: string;
  out_file: string;
  error_file: string;
  env: Record<string, string>;
}

const SECRETS = {
  JWT_SECRET: 'j'.repeat(40),
  SERVICE_TOKEN_SECRET: 's'.repeat(40),
  VENDOR_CREDENTIALS_KEY: 'p'.repeat(40),
};

/** Evaluates ecosystem.config.js as PM2 does, with `environment` as the shell's variables. */
function loadEcosystem(environment: Record<string, string>): Pm2App[] {
  const saved = process.env;
  process.env = { PATH: saved.PATH, ...environment };
  try {
    let apps: Pm2App[] = [];
    jest.isolateModules(() => {
      apps = (require(join(repositoryRoot(), 'ecosystem.config.js')) as { apps: Pm2App[] }).apps;
    });
    return apps;
  } finally {
    process.env = saved;
  }
}

describe('ecosystem.config.js', () => {
  it('runs every service from dist in PM2 cluster mode, 2 workers by default, with graceful reload settings', () => {
    const apps = loadEcosystem({ ...SECRETS, SHUTDOWN_TIMEOUT_MS: '12000' });
    expect(apps.map((app) => app.name)).toEqual(
      Object.values(SERVICE_CATALOG).map((service) => service.name),
    );
    for (const app of apps) {
      expect(app.script).toBe(join(repositoryRoot(), 'dist', 'apps', app.name, 'src', 'main.js'));
      expect(existsSync(app.script)).toBe(true);
      expect(app.exec_mode).toBe('cluster');
      expect(app.instances).toBe(2);
      expect(app.wait_ready).toBe(true);
      expect(app.listen_timeout).toBeGreaterThanOrEqual(10_000);
      expect(app.kill_timeout).toBeGreaterThan(Number(app.env.SHUTDOWN_DELAY_MS) + 12_000);
      expect(app.out_file).toBe(join(repositoryRoot(), 'logs', `${app.name}.out.log`));
      expect(app.error_file).toBe(join(repositoryRoot(), 'logs', `${app.name}.error.log`));
      expect(app.env.INSTANCE_ID).toBe('');
    }
  });

  it('gives each service its port and database, from <SERVICE>_PORT / <SERVICE>_DATABASE_URL or the catalog', () => {
    const apps = loadEcosystem({
      ...SECRETS,
      POSTGRES_URL: 'postgres://app:pw@db.internal:5433/postgres',
      DEVICE_SERVICE_PORT: '41002',
      DEVICE_SERVICE_DATABASE_URL: 'postgres://app:pw@devices.internal:5432/devices',
      DEVICE_SERVICE_INSTANCES: '5',
      BILLING_SERVICE_INSTANCES: 'max',
      CLUSTER_LOG_DIR: '/var/log/cloudphone',
    });
    for (const service of Object.values(SERVICE_CATALOG)) {
      const app = apps.find((candidate) => candidate.name === service.name)!;
      expect(app.out_file).toBe(`/var/log/cloudphone/${service.name}.out.log`);
      if (service.name === 'device-service') {
        expect(app.env.PORT).toBe('41002');
        expect(app.env.DATABASE_URL).toBe('postgres://app:pw@devices.internal:5432/devices');
        expect(app.instances).toBe(5);
      } else {
        expect(app.env.PORT).toBe(String(service.port));
        expect(app.env.DATABASE_URL).toBe(`postgres://app:pw@db.internal:5433/${service.database}`);
      }
    }
    expect(apps.find((app) => app.name === 'billing-service')!.instances).toBe('max');
  });

  it.each<[string, { USER_SERVICE_PORT?: string; BILLING_SERVICE_PORT?: string }]>([
    ['the catalog ports', {}],
    ['<SERVICE>_PORT overrides', { USER_SERVICE_PORT: '41001', BILLING_SERVICE_PORT: '41005' }],
  ])(
    'points device-service’s USER_SERVICE_URL and BILLING_SERVICE_URL at the owner’s port, with %s',
    (_case, ports) => {
      const apps = loadEcosystem({ ...SECRETS, ...ports });
      const portOf = (service: { name: string }) => apps.find((app) => app.name === service.name)!.env.PORT;
      const device = apps.find((candidate) => candidate.name === SERVICE_CATALOG.device.name)!;
      const config = loadBuiltConfig(SERVICE_CATALOG.device.name, { ...SECRETS, ...ports, ...device.env });
      expect([config.userServiceUrl, config.billingServiceUrl]).toEqual([
        `http://127.0.0.1:${portOf(SERVICE_CATALOG.user)}`,
        `http://127.0.0.1:${portOf(SERVICE_CATALOG.billing)}`,
      ]);
      expect([portOf(SERVICE_CATALOG.user), portOf(SERVICE_CATALOG.billing)]).toEqual([
        ports.USER_SERVICE_PORT ?? String(SERVICE_CATALOG.user.port),
        ports.BILLING_SERVICE_PORT ?? String(SERVICE_CATALOG.billing.port),
      ]);
    },
  );

  it('keeps the *_SERVICE_URL from the shell, for services on other hosts, for the services that call them only', () => {
    const urls = {
      USER_SERVICE_URL: 'https://users.internal',
      BILLING_SERVICE_URL: 'https://billing.internal',
      DEVICE_SERVICE_URL: 'https://devices.internal',
    };
    const callees: Record<string, string[]> = {
      [SERVICE_CATALOG.user.name]: ['DEVICE_SERVICE_URL'],
      [SERVICE_CATALOG.device.name]: ['BILLING_SERVICE_URL', 'USER_SERVICE_URL'],
      [SERVICE_CATALOG.proxy.name]: ['BILLING_SERVICE_URL', 'DEVICE_SERVICE_URL', 'USER_SERVICE_URL'],
      [SERVICE_CATALOG.smsReceive.name]: ['BILLING_SERVICE_URL', 'DEVICE_SERVICE_URL', 'USER_SERVICE_URL'],
      // billing's meters ask device-service which allocations run.
      [SERVICE_CATALOG.billing.name]: ['DEVICE_SERVICE_URL', 'USER_SERVICE_URL'],
      // API keys are verified with user-service by every other service.
      [SERVICE_CATALOG.notification.name]: ['USER_SERVICE_URL'],
    };
    for (const app of loadEcosystem({ ...SECRETS, ...urls, USER_SERVICE_PORT: '41001' })) {
      const given = Object.keys(app.env).filter((name) => name.endsWith('_SERVICE_URL'));
      // A service without a client of another service gets nothing to point anywhere.
      expect(`${app.name}: ${given.sort().join(',')}`).toBe(
        `${app.name}: ${(callees[app.name] ?? []).join(',')}`,
      );
      for (const variable of given) expect(app.env[variable]).toBe(urls[variable as keyof typeof urls]);
    }
  });

  it('reloads a worker past its memory threshold: 1024 MB, CLUSTER_MAX_MEMORY_MB, or <SERVICE>_MAX_MEMORY_MB', () => {
    const memoryOf = (environment: Record<string, string>) =>
      Object.fromEntries(
        loadEcosystem({ ...SECRETS, ...environment }).map((app) => [app.name, app.max_memory_restart]),
      );
    const everyService = (value: string) =>
      Object.fromEntries(Object.values(SERVICE_CATALOG).map((service) => [service.name, value]));
    expect(memoryOf({})).toEqual(everyService('1024M'));
    expect(memoryOf({ CLUSTER_MAX_MEMORY_MB: '768' })).toEqual(everyService('768M'));
    expect(memoryOf({ CLUSTER_MAX_MEMORY_MB: '768', DEVICE_SERVICE_MAX_MEMORY_MB: '1536' })).toEqual({
      ...everyService('768M'),
      [SERVICE_CATALOG.device.name]: '1536M',
    });
    // PM2's own check of an app (lib/Common.js verifyConfs, as `pm2 start` runs it) accepts the
    // value and turns it into the bytes it compares resident memory with.
    const { verifyConfs } = require('pm2/lib/Common.js') as {
      verifyConfs(apps: object[]): Array<{ name: string; max_memory_restart: number }> | Error;
    };
    const verified = verifyConfs(loadEcosystem({ ...SECRETS, USER_SERVICE_MAX_MEMORY_MB: '512' }));
    if (verified instanceof Error) throw verified;
    expect(Object.fromEntries(verified.map((app) => [app.name, app.max_memory_restart]))).toEqual({
      ...Object.fromEntries(Object.values(SERVICE_CATALOG).map((service) => [service.name, 1024 * 2 ** 20])),
      [SERVICE_CATALOG.user.name]: 512 * 2 ** 20,
    });
    expect(() => loadEcosystem({ ...SECRETS, CLUSTER_MAX_MEMORY_MB: '1G' })).toThrow(
      /CLUSTER_MAX_MEMORY_MB must be an integer of at least 128, got "1G"/,
    );
    expect(() => loadEcosystem({ ...SECRETS, PROXY_SERVICE_MAX_MEMORY_MB: '64' })).toThrow(
      /PROXY_SERVICE_MAX_MEMORY_MB must be an integer of at least 128, got "64"/,
    );
  });

  it('refuses to load without the shared secrets or with a malformed instance count, naming the variable', () => {
    expect(() => loadEcosystem({})).toThrow(
      /JWT_SECRET, SERVICE_TOKEN_SECRET, VENDOR_CREDENTIALS_KEY must be set/,
    );
    expect(() => loadEcosystem({ ...SECRETS, PROXY_SERVICE_INSTANCES: 'three' })).toThrow(
      /PROXY_SERVICE_INSTANCES must be an integer of at least 1, got "three"/,
    );
    expect(() => loadEcosystem({ ...SECRETS, USER_SERVICE_INSTANCES: '0' })).toThrow(
      /USER_SERVICE_INSTANCES/,
    );
  });

  it.each(Object.values(SERVICE_CATALOG))(
    'starts $name with a valid config that detects the PM2 cluster',
    (service) => {
      const shell = { ...SECRETS };
      const app = loadEcosystem(shell).find((candidate) => candidate.name === service.name)!;
      // What a worker sees: the shell's variables, the app's env, then PM2's own (lib/ProcessContainer.js).
      const worker = {
        ...shell,
        ...app.env,
        exec_mode: 'cluster_mode',
        instances: '2',
        NODE_APP_INSTANCE: '0',
      };
      for (const variable of requiredVariables(service.name)) expect(Object.keys(worker)).toContain(variable);
      expect(loadBuiltConfig(service.name, worker).multiInstanceSignal()).toMatch(/cluster/i);
    },
  );
});
