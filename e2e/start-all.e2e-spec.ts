import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';
import { SERVICE_NAMES, type ServiceName, serviceVariablePrefix } from '@cloudphone/contracts';
import { RedisConnectionManager } from '@cloudphone/shared';
import {
  consumerQueueNames,
  EventObserver,
  type FreshServiceDatabases,
  freshServiceDatabases,
  type LogLine,
  repositoryRoot,
  TEST_SERVERS,
  uniqueTestId,
  waitFor,
} from '@cloudphone/shared/testing';
import { freePorts } from './support/free-ports';

// `npm start` is `node dist/tools/launcher/start-all.js` after the build: it migrates the six
// databases and runs the six services in the foreground until it is stopped.
const LAUNCHER = join(repositoryRoot(), 'dist', 'tools', 'launcher', 'start-all.js');
const RETRY_DELAYS_MS = [1000];
const STOP_BUDGET_MS = 10_000;

jest.setTimeout(120_000);

interface Launch {
  child: ChildProcess;
  /** The launcher's pid, which is also its process group id. */
  pid: number;
  lines: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(environment: Record<string, string>): Launch {
  // Its own process group, so a test can signal the launcher and its children together (Ctrl-C).
  const child = spawn(process.execPath, [LAUNCHER], {
    env: environment,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const parse = (line: string): LogLine => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      return { msg: line };
    }
  };
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(parse(line)));
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    lines.push(parse(line));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  if (child.pid === undefined) throw new Error(`could not start ${LAUNCHER}`);
  return { child, pid: child.pid, lines, stderr, exited };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each([
  ['SIGINT', 'sent to its process group, as Ctrl-C in a terminal does'],
  ['SIGTERM', 'sent to the launcher alone, as a process manager does'],
] as const)('npm start stopped by %s', (signal, how) => {
  const namespace = uniqueTestId('start');
  const redisKeyPrefix = `${uniqueTestId('start')}:`;
  let databases: FreshServiceDatabases;
  let ports: Record<ServiceName, number>;
  let launched: Launch;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    databases = freshServiceDatabases('start');
    const free = await freePorts(SERVICE_NAMES.length);
    ports = Object.fromEntries(SERVICE_NAMES.map((service, index) => [service, free[index]])) as Record<
      ServiceName,
      number
    >;
    launched = launch({
      PATH: process.env.PATH ?? '',
      // Unreachable: every database must come from its <SERVICE>_DATABASE_URL.
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/postgres',
      ...databases.environment,
      ...Object.fromEntries(
        SERVICE_NAMES.map((service) => [`${serviceVariablePrefix(service)}_PORT`, String(ports[service])]),
      ),
      REDIS_URL: TEST_SERVERS.redisUrl,
      RABBITMQ_URL: TEST_SERVERS.rabbitmqUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      EVENTS_EXCHANGE: `${namespace}.events`,
      QUEUE_PREFIX: namespace,
      EVENTS_CONSUMER_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
      HOST: '127.0.0.1',
      DOCS_ENABLED: 'false',
    });
  });

  afterAll(async () => {
    if (launched?.child.exitCode === null && launched.child.signalCode === null) {
      process.kill(-launched.pid, 'SIGKILL');
      await launched.exited;
    }
    await databases?.drop();
    const redis = new RedisConnectionManager({
      url: TEST_SERVERS.redisUrl,
      keyPrefix: '',
      commandTimeoutMs: 2000,
      connectionName: 'e2e-cleanup',
    });
    await waitFor(() => redis.isReady(), { description: 'Redis for cleanup' });
    const keys = await redis.client.keys(`${redisKeyPrefix}*`);
    if (keys.length > 0) await redis.client.del(...keys);
    await redis.close();
    const observer = await EventObserver.connect(`${namespace}.events`);
    await observer.cleanUp(
      SERVICE_NAMES.flatMap((service) => consumerQueueNames(namespace, service, RETRY_DELAYS_MS)),
    );
  });

  it('migrates fresh databases and brings all six services to ready on the ports given', async () => {
    for (const service of SERVICE_NAMES) {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${ports[service]}/health/ready`)).status === 200,
        { timeoutMs: 60_000, description: `${service} on port ${ports[service]} to be ready` },
      );
    }
    const listening = launched.lines.filter((line) => line.msg === 'service listening');
    expect(Object.fromEntries(listening.map((line) => [line.service, line.port]))).toEqual(ports);
    for (const service of SERVICE_NAMES) {
      expect(launched.lines).toContainEqual(
        expect.objectContaining({
          msg: expect.stringMatching(
            new RegExp(`^\\[start\\] ${service} \\(\\w+\\): [1-9]\\d* applied, 0 already applied$`),
          ),
        }),
      );
    }
  });

  it(`stops every service within 10 s of ${signal} ${how}, exiting 0 with no error logged`, async () => {
    const pids = launched.lines
      .filter((line) => line.msg === 'service listening')
      .map((line) => Number(line.pid));
    expect(pids).toHaveLength(SERVICE_NAMES.length);
    const started = Date.now();
    if (signal === 'SIGINT') process.kill(-launched.pid, 'SIGINT');
    else launched.child.kill('SIGTERM');
    const { code } = await launched.exited;
    expect(Date.now() - started).toBeLessThan(STOP_BUDGET_MS);
    expect(code).toBe(0);
    expect(pids.filter(isRunning)).toEqual([]);
    const completed = launched.lines.filter((line) => line.msg === 'shutdown complete');
    expect(completed.map((line) => line.service).sort()).toEqual([...SERVICE_NAMES].sort());
    expect(launched.lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    expect(launched.stderr).toEqual([]);
  });
});
