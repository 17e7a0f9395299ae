import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { repositoryRoot, waitFor } from '@cloudphone/shared/testing';

// What `npm start` runs after its build.
const LAUNCHER = join(repositoryRoot(), 'dist', 'tools', 'launcher', 'start-all.js');
const BANNER = 'Cloudphone is running STANDALONE';

export interface StandaloneLaunch {
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The embedded server's port, read from the launcher's output once it is ready. */
  postgresPort(): number;
}

/** Starts `npm start`'s launcher with exactly `environment` (nothing inherited). */
export function launchStandalone(environment: Record<string, string>): StandaloneLaunch {
  const child = spawn(process.execPath, [LAUNCHER], {
    env: environment,
    // Its own process group, as a terminal would give it; the embedded Postgres has another.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${LAUNCHER}`);
  const output: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => output.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid,
    output,
    exited,
    postgresPort: () => {
      const line = output.find((text) => text.includes('PostgreSQL listening on 127.0.0.1:'));
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(line ?? '')?.[1]);
      if (!port) throw new Error(`no PostgreSQL port in the output:\n${output.join('\n')}`);
      return port;
    },
  };
}

/** Resolves once the banner is printed; fails with the output if the launcher exits first. */
export async function untilReady(launch: StandaloneLaunch): Promise<void> {
  let exited = false;
  void launch.exited.then(() => (exited = true));
  const state = await waitFor(
    () => (exited ? 'exited' : launch.output.some((line) => line.includes(BANNER)) && 'ready'),
    { timeoutMs: 120_000, intervalMs: 100, description: 'the standalone banner' },
  );
  if (state === 'exited') {
    throw new Error(`the launcher exited before it was ready:\n${launch.output.join('\n')}`);
  }
}

/** `KEY=value` lines of the credentials file. */
export function readCredentials(home: string): Record<string, string> {
  const entries = readFileSync(join(home, 'credentials'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** One query on a database of the embedded server, as its superuser (password from secrets.json). */
export async function queryEmbedded<T>(
  home: string,
  port: number,
  database: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const { postgresPassword } = JSON.parse(readFileSync(join(home, 'secrets.json'), 'utf8')) as {
    postgresPassword: string;
  };
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: postgresPassword,
    database,
  });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}
