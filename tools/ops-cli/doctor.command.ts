import { connect as connectAmqp } from 'amqplib';
import Redis from 'ioredis';
import { OPERATIONS_ROUTES } from '@cloudphone/contracts';
import { migrationStatus } from '@cloudphone/shared';
import type { Command, CommandContext } from './command-context';
import type { ServiceEndpoint } from './ops-cli.settings';
import { emit, printTable } from './table-output';

/** Cron claims ticks by wall clock; the cluster proof tolerates ±400 ms, so warn well before that. */
const SKEW_WARN_MS = 250;
const SKEW_FAIL_MS = 1000;

interface Finding {
  check: string;
  target: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

/**
 * `doctor`: what an operator checks first on a bad day, in one table. Each service's readiness and
 * readiness mode, the release each one runs, its clock against Redis TIME (what cron ticks are
 * claimed against), each database's migrations, and Redis and RabbitMQ from where the CLI runs.
 * Exits 1 when anything failed.
 */
export const doctor: Command = async (context) => {
  const redisTime = await redisClock(context);
  const findings: Finding[] = [...redisTime.findings];
  for (const service of context.client.services(context.options.service)) {
    findings.push(...(await serviceFindings(context, service, redisTime.offsetMs)));
  }
  findings.push(
    ...versionFindings(findings),
    ...(await databaseFindings(context)),
    ...(await rabbitFindings(context)),
  );
  emit(context.output, findings, () =>
    printTable(context.output, findings, ['status', 'check', 'target', 'detail']),
  );
  return findings.some((finding) => finding.status === 'fail') ? 1 : 0;
};

/** Redis answers, and how far this machine's clock is from Redis's (to compare services with). */
async function redisClock(
  context: CommandContext,
): Promise<{ offsetMs: number | null; findings: Finding[] }> {
  const redis = new Redis(context.settings.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const before = Date.now();
    const [seconds, micros] = await redis.time();
    const localMid = (before + Date.now()) / 2;
    const offsetMs = Number(seconds) * 1000 + Number(micros) / 1000 - localMid;
    return {
      offsetMs,
      findings: [{ check: 'redis', target: redisHost(context), status: 'ok', detail: 'PING/TIME answered' }],
    };
  } catch (error) {
    return {
      offsetMs: null,
      findings: [
        { check: 'redis', target: redisHost(context), status: 'fail', detail: (error as Error).message },
      ],
    };
  } finally {
    redis.disconnect();
  }
}

async function serviceFindings(
  context: CommandContext,
  service: ServiceEndpoint,
  redisOffsetMs: number | null,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  try {
    const ready = await context.client.text(service, 'health/ready');
    const report = JSON.parse(ready.text) as {
      status?: string;
      degraded?: string[];
      checks?: Record<string, { required: boolean }>;
      details?: { down?: string[] };
    };
    const status = ready.status === 200 ? (report.status === 'degraded' ? 'warn' : 'ok') : 'fail';
    const detail =
      ready.status === 200
        ? `${report.status}${report.degraded?.length ? `: ${report.degraded.join(', ')} down` : ''}`
        : `not ready: ${report.details?.down?.join(', ')} down`;
    findings.push({ check: 'ready', target: service.name, status, detail });
    const strict = report.checks?.redis?.required ?? report.checks?.rabbitmq?.required;
    if (strict !== undefined)
      findings.push({
        check: 'readiness mode',
        target: service.name,
        status: 'ok',
        detail: strict ? 'strict' : 'degradable',
      });
    const metrics = await context.client.text(service, 'metrics');
    const build = /^cloudphone_build_info\{([^}]*)\} 1$/m.exec(metrics.text)?.[1] ?? '';
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(build)?.[1] ?? '?';
    findings.push({
      check: 'version',
      target: service.name,
      status: 'ok',
      detail: `${label('version')} (${label('revision')})`,
    });
    const before = Date.now();
    const cron = await context.client.call<{ serverTime: string }>(service, 'GET', OPERATIONS_ROUTES.cron);
    const skewMs = Date.parse(cron.serverTime) - (before + Date.now()) / 2 - (redisOffsetMs ?? 0);
    const skewStatus =
      Math.abs(skewMs) > SKEW_FAIL_MS ? 'fail' : Math.abs(skewMs) > SKEW_WARN_MS ? 'warn' : 'ok';
    findings.push({
      check: 'clock skew',
      target: service.name,
      status: redisOffsetMs === null ? 'warn' : skewStatus,
      detail: `${Math.round(skewMs)} ms against ${redisOffsetMs === null ? 'this machine (Redis unreachable)' : 'Redis TIME'}`,
    });
  } catch (error) {
    findings.push({
      check: 'reachable',
      target: service.name,
      status: 'fail',
      detail: (error as Error).message,
    });
  }
  return findings;
}

/** Every service should run the same release once a rollout is over. */
function versionFindings(findings: Finding[]): Finding[] {
  const versions = new Set(
    findings.filter((finding) => finding.check === 'version').map((finding) => finding.detail),
  );
  const modes = new Set(
    findings.filter((finding) => finding.check === 'readiness mode').map((finding) => finding.detail),
  );
  return [
    ...(versions.size > 1
      ? [
          {
            check: 'versions',
            target: 'all',
            status: 'warn' as const,
            detail: `mixed: ${[...versions].join('; ')}`,
          },
        ]
      : []),
    ...(modes.size > 1
      ? [
          {
            check: 'readiness mode',
            target: 'all',
            status: 'warn' as const,
            detail: 'READINESS_STRICT differs between services',
          },
        ]
      : []),
  ];
}

async function databaseFindings(context: CommandContext): Promise<Finding[]> {
  const only = context.options.service;
  const targets = context.settings.databases.filter(
    (target) => only === undefined || target.service === only,
  );
  return Promise.all(
    targets.map(async (target): Promise<Finding> => {
      try {
        const status = await migrationStatus({
          databaseUrl: target.databaseUrl,
          directory: target.migrationsDirectory,
          sharedDirectory: target.sharedMigrationsDirectory,
        });
        if (status.changed.length > 0)
          return {
            check: 'migrations',
            target: target.service,
            status: 'fail',
            detail: `changed after applied: ${status.changed.join(', ')}`,
          };
        if (status.pending.length > 0)
          return {
            check: 'migrations',
            target: target.service,
            status: 'warn',
            detail: `${status.pending.length} pending (npm run migrate)`,
          };
        return {
          check: 'migrations',
          target: target.service,
          status: 'ok',
          detail: `${status.applied} applied, none pending`,
        };
      } catch (error) {
        return {
          check: 'postgres',
          target: target.service,
          status: 'fail',
          detail: (error as Error).message,
        };
      }
    }),
  );
}

async function rabbitFindings(context: CommandContext): Promise<Finding[]> {
  return Promise.all(
    context.settings.rabbitmqUrls.map(async (url): Promise<Finding> => {
      const target = safeHost(url);
      try {
        const connection = await connectAmqp(url, { timeout: 3000 });
        await connection.close();
        return { check: 'rabbitmq', target, status: 'ok', detail: 'connected' };
      } catch (error) {
        return { check: 'rabbitmq', target, status: 'fail', detail: (error as Error).message };
      }
    }),
  );
}

function redisHost(context: CommandContext): string {
  return safeHost(context.settings.redisUrl);
}

/** host:port of a URL, never its credentials. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(malformed URL)';
  }
}
