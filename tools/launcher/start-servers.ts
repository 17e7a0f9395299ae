import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SERVICE_CATALOG, serviceVariablePrefix } from '@cloudphone/contracts';
import { migrateServiceDatabases, serviceDatabases } from '../migrate/service-databases';

// `npm run start:servers` (or `npm start` with a server URL set): migrate every database, then run
// all six services in the foreground, one process each, against the local Postgres/Redis/RabbitMQ
// (or the URLs in the environment). Ctrl-C stops them gracefully.
const LOCAL_DEFAULTS: Record<string, string> = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
};

export async function runWithServers(
  processEnvironment: Record<string, string | undefined>,
  repositoryRoot: string,
): Promise<void> {
  const environment: Record<string, string | undefined> = { ...LOCAL_DEFAULTS, ...processEnvironment };
  for (const secret of ['JWT_SECRET', 'SERVICE_TOKEN_SECRET', 'VENDOR_CREDENTIALS_KEY']) {
    if (!environment[secret]) {
      environment[secret] = randomBytes(32).toString('hex');
      console.log(`[start] ${secret} not set: generated a random one for this run (tokens end with it)`);
    }
  }

  const databases = serviceDatabases(environment, repositoryRoot);
  await migrateServiceDatabases(databases, (line) => console.log(`[start] ${line}`));

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log('[start] stopping all services');
    for (const child of children.values()) child.kill('SIGTERM');
    const finish = () => children.size === 0 && process.exit(exitCode);
    for (const [name, child] of children) child.once('exit', () => (children.delete(name), finish()));
    finish();
  };

  for (const target of databases) {
    const service = Object.values(SERVICE_CATALOG).find((entry) => entry.name === target.service)!;
    const child = spawn(
      process.execPath,
      [join(repositoryRoot, 'dist', 'apps', target.service, 'src', 'main.js')],
      {
        env: {
          ...environment,
          DATABASE_URL: target.databaseUrl,
          // Readable lines for a person at a terminal; JSON when the output goes to a file or a pipe.
          LOG_FORMAT: environment.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
          PORT: environment[`${serviceVariablePrefix(target.service)}_PORT`] ?? String(service.port),
        },
        stdio: 'inherit',
      },
    );
    children.set(target.service, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`[start] ${target.service} exited (code ${code}, signal ${signal}); stopping the others`);
      children.delete(target.service);
      stopAll(1);
    });
  }
  console.log(
    `[start] started ${children.size} services: ${databases.map((target) => target.service).join(', ')}`,
  );
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}
