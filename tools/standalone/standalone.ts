import { join } from 'node:path';
import { SERVICE_CATALOG, type ServiceName, serviceVariablePrefix } from '@cloudphone/contracts';
import { AppLogger, BaseServiceConfig, type Environment, loadConfig } from '@cloudphone/shared';
import { migrateServiceDatabases, serviceDatabases } from '../migrate/service-databases';
import { EmbeddedPostgresServer } from './embedded-postgres.server';
import { allocateExample, type DemoSeeded, prepareDemo } from './first-run';
import { type HostedService, servicePorts, startServices, stopServices } from './service-host';
import { StandaloneHome, type StandaloneSecrets } from './standalone-home';

/**
 * `npm start` with no server URLs: an embedded PostgreSQL, the six services in this process with
 * in-process coordination (locks, cron, cache, rate limits) and the in-process event bus, and the
 * first-run admin, demo user and device pool. Ctrl-C or SIGTERM stops the services, then Postgres.
 */
export async function runStandalone(environment: Environment, repositoryRoot: string): Promise<void> {
  refuseSeveralInstances(environment);
  const home = new StandaloneHome(environment.CLOUDPHONE_HOME || join(repositoryRoot, '.cloudphone'));
  home.prepare();
  home.claim();
  const secrets = home.secrets();
  const say = (message: string) => console.log(`[standalone] ${message}`);
  const postgres = new EmbeddedPostgresServer({
    dataDirectory: home.postgresDirectory,
    password: secrets.postgresPassword,
    logFile: home.postgresLogFile,
    log: say,
  });
  let hosted: HostedService[] = [];
  let stopping: Promise<void> | null = null;
  const stop = (reason: string, exitCode: number) => {
    stopping ??= (async () => {
      say(`stopping (${reason})`);
      await stopServices(hosted, reason);
      await postgres.stop();
      home.release();
      process.exit(exitCode);
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('SIGINT', 0));
  process.once('SIGTERM', () => void stop('SIGTERM', 0));
  try {
    await postgres.start();
    say(`PostgreSQL listening on 127.0.0.1:${postgres.port} (data in ${home.postgresDirectory})`);
    const databases = serviceDatabases({ POSTGRES_URL: postgres.url('postgres') }, repositoryRoot);
    await migrateServiceDatabases(databases, say);
    const ports = servicePorts(environment);
    const base = standaloneEnvironment(environment, secrets, ports);
    const environments = {} as Record<ServiceName, Environment>;
    for (const target of databases) {
      // As under PM2 (ecosystem.config.js): one service's own schedule overrides.
      const cronOverrides = environment[`${serviceVariablePrefix(target.service)}_CRON_SCHEDULE_OVERRIDES`];
      environments[target.service] = {
        ...base,
        DATABASE_URL: target.databaseUrl,
        PORT: String(ports[target.service]),
        ...(cronOverrides ? { CRON_SCHEDULE_OVERRIDES: cronOverrides } : {}),
      };
    }
    // Nothing leaves the box: emails land as files, so a new user can open the verification link.
    environments[SERVICE_CATALOG.notification.name].EMAIL_SIMULATED_DIR =
      environment.EMAIL_SIMULATED_DIR || home.mailDirectory;
    Object.assign(environments[SERVICE_CATALOG.user.name], {
      ADMIN_EMAIL: secrets.adminEmail,
      ADMIN_PASSWORD: secrets.adminPassword,
    });
    const logger = new AppLogger({
      serviceName: 'standalone',
      instanceId: base.INSTANCE_ID ?? `standalone-${process.pid}`,
      level: (base.LOG_LEVEL as 'info') ?? 'info',
      // Readable lines for a person at a terminal; JSON when the output goes to a file or a pipe.
      format:
        base.LOG_FORMAT === 'json' || base.LOG_FORMAT === 'pretty'
          ? base.LOG_FORMAT
          : process.stdout.isTTY
            ? 'pretty'
            : 'json',
    });
    hosted = await startServices(repositoryRoot, environments, logger);
    const urls = Object.fromEntries(hosted.map((service) => [service.name, service.running.url])) as Record<
      ServiceName,
      string
    >;
    // Until a first run got as far as the banner (it may have been cut short), the demo is
    // prepared and the admin's password shown. Later starts skip both: they need no login, which
    // the admin may have changed since.
    const firstRun = home.adminUnannounced();
    const seeded = firstRun
      ? await prepareDemo(urls, environments[SERVICE_CATALOG.device.name].DATABASE_URL ?? '', secrets)
      : { devices: 0, proxies: 0 };
    console.log(banner(home, postgres.port, urls, secrets, firstRun, seeded));
    if (firstRun) home.announced();
  } catch (error) {
    console.error(`[standalone] failed: ${(error as Error).message}`);
    await stop('start failed', 1);
  }
}

/** The process settings every service reads (CLUSTER_MODE, PM2's and Kubernetes' variables). */
class HostSettings extends BaseServiceConfig {
  readonly serviceName = 'standalone';
}

/**
 * Standalone keeps locks, cron claims, rate limits and events inside one process: a second copy
 * would run every job again and never see the first one's events. The services would refuse one
 * by one; this says so before anything starts.
 */
function refuseSeveralInstances(environment: Environment): void {
  const signal = loadConfig(HostSettings, environment).multiInstanceSignal();
  if (signal !== null) {
    throw new Error(
      `standalone mode runs one instance of everything and refuses to run as one of several (${signal}); ` +
        'for replicas set POSTGRES_URL, REDIS_URL and RABBITMQ_URL (see docs/deployment.md)',
    );
  }
}

function standaloneEnvironment(
  environment: Environment,
  secrets: StandaloneSecrets,
  ports: Record<ServiceName, number>,
): Environment {
  return {
    ...environment,
    NODE_ENV: environment.NODE_ENV || 'development',
    // Loopback unless asked otherwise: a development box should not serve its network by default.
    HOST: environment.HOST || '127.0.0.1',
    COORDINATION_DRIVER: 'memory',
    EVENTS_TRANSPORT: 'memory',
    JWT_SECRET: environment.JWT_SECRET || secrets.jwtSecret,
    SERVICE_TOKEN_SECRET: environment.SERVICE_TOKEN_SECRET || secrets.serviceTokenSecret,
    VENDOR_CREDENTIALS_KEY: environment.VENDOR_CREDENTIALS_KEY || secrets.credentialsKey,
    ...Object.fromEntries(
      [SERVICE_CATALOG.user, SERVICE_CATALOG.billing, SERVICE_CATALOG.device].map((service) => [
        `${serviceVariablePrefix(service.name)}_URL`,
        `http://127.0.0.1:${ports[service.name]}`,
      ]),
    ),
  };
}

function banner(
  home: StandaloneHome,
  postgresPort: number,
  urls: Record<ServiceName, string>,
  secrets: StandaloneSecrets,
  firstRun: boolean,
  seeded: DemoSeeded,
): string {
  const line = '─'.repeat(78);
  return [
    line,
    'Cloudphone is running STANDALONE: nothing else is installed or contacted.',
    `  PostgreSQL 17 (embedded) on 127.0.0.1:${postgresPort}, data in ${home.postgresDirectory}`,
    '  the six services in this process; locks, cron, cache, rate limits and events in-process',
    ...Object.entries(urls).map(([name, url]) => `  ${name.padEnd(21)} ${url}  (API docs: ${url}/docs)`),
    firstRun
      ? `First run: admin ${secrets.adminEmail} / ${secrets.adminPassword} (shown once; kept in ${home.credentialsFile})`
      : `Logins (admin and demo user) are in ${home.credentialsFile}`,
    seeded.devices > 0
      ? `Seeded ${seeded.devices} simulated devices, ${seeded.proxies} simulated proxies, a simulated SMS provider and a demo user with a balance.`
      : '',
    `Emails (sign-up verification, password reset, invoices) are written to ${home.mailDirectory}`,
    'Allocate a device as the demo user:',
    allocateExample(urls, secrets),
    'For your own PostgreSQL, Redis and RabbitMQ: set POSTGRES_URL, REDIS_URL and RABBITMQ_URL,',
    'or run `npm run start:servers`. Standalone is for development, demos and one box, never replicas.',
    line,
  ]
    .filter((text) => text !== '')
    .join('\n');
}
