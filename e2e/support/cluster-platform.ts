import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectAmqp } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';
import { SERVICE_CATALOG, type ServiceName, serviceVariablePrefix } from '@cloudphone/contracts';
import type { CronRunRecord } from '@cloudphone/shared';
import {
  createTestSecrets,
  deleteRedisKeys,
  repositoryRoot,
  TEST_SERVERS,
  TestTokens,
  uniqueTestId,
  waitFor,
  type LogLine,
  type TestSecrets,
} from '@cloudphone/shared/testing';
import { freePorts } from './free-ports';
import { Pm2Cli, type Pm2Process } from './pm2-cli';

export interface ClusterPlatformOptions {
  instancesPerService: number;
  /** Extra variables for every service (e.g. cron schedules a check needs). */
  environment?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface PlatformService {
  name: ServiceName;
  url: string;
  databaseUrl: string;
  databaseName: string;
}

/**
 * The whole platform started the way operators start it, `pm2 start ecosystem.config.js` in cluster
 * mode, against the real Postgres/Redis/RabbitMQ but isolated: fresh databases migrated by the
 * migrate tool, a unique Redis key prefix, exchange and queue prefix, free ports and a private
 * PM2_HOME. `stop()` kills the PM2 daemon and removes everything it created.
 */
export class ClusterPlatform {
  private constructor(
    readonly id: string,
    readonly workDirectory: string,
    readonly services: Record<ServiceName, PlatformService>,
    readonly pm2: Pm2Cli,
    readonly secrets: TestSecrets,
    readonly instancesPerService: number,
  ) {}

  /** Signs user, admin and service tokens every service of this platform accepts. */
  get tokens(): TestTokens {
    return new TestTokens(this.secrets);
  }

  get logDirectory(): string {
    return join(this.workDirectory, 'logs');
  }

  static async start(options: ClusterPlatformOptions): Promise<ClusterPlatform> {
    const id = uniqueTestId('cluster');
    const workDirectory = await mkdtemp(join(tmpdir(), 'cloudphone-cluster-'));
    const secrets = createTestSecrets();
    const names = Object.values(SERVICE_CATALOG).map((service) => service.name);
    const ports = await freePorts(names.length);
    const services = {} as Record<ServiceName, PlatformService>;
    const environment: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: workDirectory,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      POSTGRES_URL: TEST_SERVERS.postgresUrl,
      REDIS_URL: TEST_SERVERS.redisUrl,
      RABBITMQ_URL: TEST_SERVERS.rabbitmqUrl,
      REDIS_KEY_PREFIX: `${id}:`,
      EVENTS_EXCHANGE: `${id}.events`,
      QUEUE_PREFIX: id,
      JWT_SECRET: secrets.jwtSecret,
      SERVICE_TOKEN_SECRET: secrets.serviceTokenSecret,
      VENDOR_CREDENTIALS_KEY: secrets.credentialsKey,
      CLUSTER_LOG_DIR: join(workDirectory, 'logs'),
      ...options.environment,
    };
    names.forEach((name, index) => {
      const databaseName = `${id}_${name.replace(/-service$/, '').replace(/-/g, '_')}`;
      const databaseUrl = new URL(TEST_SERVERS.postgresUrl);
      databaseUrl.pathname = `/${databaseName}`;
      services[name] = {
        name,
        url: `http://127.0.0.1:${ports[index]}`,
        databaseUrl: databaseUrl.toString(),
        databaseName,
      };
      environment[`${serviceVariablePrefix(name)}_DATABASE_URL`] = databaseUrl.toString();
      environment[`${serviceVariablePrefix(name)}_PORT`] = String(ports[index]);
      environment[`${serviceVariablePrefix(name)}_INSTANCES`] = String(options.instancesPerService);
    });

    const pm2 = new Pm2Cli(join(workDirectory, 'pm2'), environment);
    const platform = new ClusterPlatform(
      id,
      workDirectory,
      services,
      pm2,
      secrets,
      options.instancesPerService,
    );
    try {
      await runMigrations(environment);
      await pm2.run(['start', join(repositoryRoot(), 'ecosystem.config.js')]);
      await platform.waitUntilReady(options.startTimeoutMs ?? 120_000);
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  url(service: ServiceName, path = ''): string {
    return `${this.services[service].url}${path}`;
  }

  /** The PM2 workers of one service (or all services). */
  async instances(service?: ServiceName): Promise<Pm2Process[]> {
    const all = await this.pm2.list();
    return service ? all.filter((process) => process.name === service) : all;
  }

  /**
   * Waits until every service has `instancesPerService` workers online, each of which logged
   * `service listening`, and every service's /health/ready answers 200 through its cluster port.
   */
  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const names = Object.keys(this.services) as ServiceName[];
    await waitFor(
      async () => {
        const processes = await this.instances();
        for (const name of names) {
          const online = processes.filter((process) => process.name === name && process.status === 'online');
          if (online.length !== this.instancesPerService) return false;
          const listening = new Set((await this.listeningLines(name)).map((line) => line.pid));
          if (!online.every((process) => listening.has(process.pid))) return false;
          const ready = await fetch(this.url(name, '/health/ready'), { signal: AbortSignal.timeout(5000) });
          if (ready.status !== 200) return false;
        }
        return true;
      },
      {
        timeoutMs,
        intervalMs: 500,
        description: `all ${names.length} services × ${this.instancesPerService} PM2 workers ready`,
      },
    );
  }

  /** JSON log lines a service's workers wrote (PM2 merges them into one file per service). */
  async logs(service: ServiceName): Promise<LogLine[]> {
    const lines: LogLine[] = [];
    for (const stream of ['out', 'error']) {
      const file = join(this.logDirectory, `${service}.${stream}.log`);
      if (!existsSync(file)) continue;
      for (const line of (await readFile(file, 'utf8')).split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(line) as LogLine);
        } catch {
          // A line cut by a concurrent write is not evidence of anything; skip it.
        }
      }
    }
    return lines;
  }

  /** The `service listening` line of each worker that started. */
  async listeningLines(service: ServiceName): Promise<LogLine[]> {
    return (await this.logs(service)).filter((line) => line.msg === 'service listening');
  }

  /** Runs one query on a service's database (e.g. to read run records). */
  async query<T extends Record<string, unknown>>(service: ServiceName, sql: string, params: unknown[] = []) {
    const client = new Client({ connectionString: this.services[service].databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** The run records a service keeps in Redis for one cron job (newest first, up to CRON_HISTORY_SIZE). */
  async cronRuns(service: ServiceName, job: string): Promise<CronRunRecord[]> {
    const redis = new Redis(TEST_SERVERS.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const entries = await redis.lrange(`${this.id}:cron:${service}:{${job}}:runs`, 0, -1);
      return entries.map((entry) => JSON.parse(entry) as CronRunRecord);
    } finally {
      redis.disconnect();
    }
  }

  /** The instance that claimed a job's tick (`<hostname>-<pid>` under PM2), or null if none did. */
  async tickClaimant(service: ServiceName, job: string, tick: number): Promise<string | null> {
    const redis = new Redis(TEST_SERVERS.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      return await redis.get(`${this.id}:cron:${service}:{${job}}:tick:${tick}`);
    } finally {
      redis.disconnect();
    }
  }

  /** Pids of the PM2 daemon and of every worker, to check afterwards that none survived. */
  async processIds(): Promise<number[]> {
    const daemon = Number((await readFile(join(this.pm2.home, 'pm2.pid'), 'utf8').catch(() => '')).trim());
    const workers = (await this.instances()).map((process) => process.pid);
    return [...(daemon > 0 ? [daemon] : []), ...workers.filter((pid) => pid > 0)];
  }

  /** Kills the PM2 daemon and its workers, then drops the databases, Redis keys, exchange and queues. */
  async stop(): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    await attempt('pm2 kill', () => this.pm2.kill());
    await attempt('drop databases', () => this.dropDatabases());
    await attempt('delete Redis keys', () => deleteRedisKeys(`${this.id}:`));
    await attempt('delete exchange and queues', () => deleteMessaging(this.id));
    await attempt('remove work directory', () => rm(this.workDirectory, { recursive: true, force: true }));
    if (problems.length > 0) throw new Error(`Cluster platform cleanup failed:\n  ${problems.join('\n  ')}`);
  }

  private async dropDatabases(): Promise<void> {
    const client = new Client({ connectionString: TEST_SERVERS.postgresUrl });
    await client.connect();
    try {
      for (const service of Object.values(this.services)) {
        await client.query(`DROP DATABASE IF EXISTS "${service.databaseName}" WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
}

/** `node dist/tools/migrate/migrate.js`, the command `npm run migrate` and the K8s Job run. */
function runMigrations(environment: Record<string, string>): Promise<void> {
  const script = join(repositoryRoot(), 'dist', 'tools', 'migrate', 'migrate.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script], { env: environment, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`migrations failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}

/**
 * Deletes the platform's exchange and every queue named with its prefix. AMQP cannot list queues,
 * so the names come from `rabbitmqctl` when the broker runs on this machine (as in CI).
 */
async function deleteMessaging(namespace: string): Promise<void> {
  const queues = await new Promise<string[]>((resolve) => {
    execFile(
      'rabbitmqctl',
      ['list_queues', 'name', '--quiet', '--no-table-headers'],
      { timeout: 30_000 },
      (error, stdout) => resolve(error ? [] : stdout.split('\n').map((line) => line.trim())),
    );
  });
  const connection = await connectAmqp(TEST_SERVERS.rabbitmqUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues.filter((name) => name.startsWith(namespace))) await channel.deleteQueue(queue);
    await channel.deleteExchange(`${namespace}.events`);
    await channel.close();
  } finally {
    await connection.close();
  }
}
