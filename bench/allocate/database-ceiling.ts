// The database's own allocation ceiling, measured in the same run as the API (§ "One fixed
// ceiling" of the allocate benchmark): one transaction claims the least recently claimed device
// with FOR UPDATE SKIP LOCKED and inserts its allocation row, from 16 clients, on a scratch
// database with a fixed schema of its own — so the figure never moves when the services' SQL does.
// Driven by pgbench when it is installed, else by a separate Node process with 16 pg clients.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_SERVERS, uniqueTestId } from '@cloudphone/shared/testing';
import { withDatabaseName } from '@cloudphone/shared';
import { Client } from 'pg';

export const CEILING_CLIENTS = 16;
const POOL = 2000;

const SCHEMA = `
  CREATE TABLE devices (id integer PRIMARY KEY, claimed_at timestamptz NOT NULL DEFAULT '-infinity', held_by uuid);
  CREATE INDEX devices_claimed_at ON devices (claimed_at, id);
  CREATE TABLE allocations (id uuid PRIMARY KEY, device_id integer NOT NULL REFERENCES devices,
    user_id uuid NOT NULL, started_at timestamptz NOT NULL, expires_at timestamptz NOT NULL);
  INSERT INTO devices (id) SELECT generate_series(1, ${POOL});`;

/** The allocation transaction: claim (row lock, SKIP LOCKED) and insert, one statement. */
export const CEILING_TRANSACTION = `WITH candidate AS (
    SELECT id FROM devices ORDER BY claimed_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE devices d SET claimed_at = clock_timestamp(), held_by = gen_random_uuid()
    FROM candidate c WHERE d.id = c.id RETURNING d.id, d.held_by
  )
  INSERT INTO allocations (id, device_id, user_id, started_at, expires_at)
  SELECT held_by, id, gen_random_uuid(), now(), now() + interval '30 minutes' FROM claimed`;

export interface Ceiling {
  transactionsPerSecond: number;
  driver: 'pgbench' | 'node';
}

export async function measureCeiling(durationSeconds: number): Promise<Ceiling> {
  const name = uniqueTestId('cp_ceiling');
  const url = withDatabaseName(TEST_SERVERS.postgresUrl, name);
  await withClient(TEST_SERVERS.postgresUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  try {
    await withClient(url, (client) => client.query(SCHEMA));
    const pgbench = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
    if (pgbench.status === 0) {
      return { transactionsPerSecond: await runPgbench(url, durationSeconds), driver: 'pgbench' };
    }
    return { transactionsPerSecond: await runNodeDriver(url, durationSeconds), driver: 'node' };
  } finally {
    await withClient(TEST_SERVERS.postgresUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    );
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function runPgbench(url: string, durationSeconds: number): Promise<number> {
  const script = `${CEILING_TRANSACTION};\n`.replace(/\n\s*/g, ' ');
  const output = await run(
    'pgbench',
    [
      '--no-vacuum',
      `--client=${CEILING_CLIENTS}`,
      '--jobs=2',
      `--time=${durationSeconds}`,
      '--protocol=prepared',
      '--file=-',
      url,
    ],
    script,
  );
  const match = /tps = ([\d.]+)/.exec(output);
  if (!match) throw new Error(`pgbench printed no tps:\n${output}`);
  return Number(match[1]);
}

async function runNodeDriver(url: string, durationSeconds: number): Promise<number> {
  const worker = join(__dirname, 'ceiling-worker.js');
  const output = await run(process.execPath, [worker, url, String(CEILING_CLIENTS), String(durationSeconds)]);
  return (JSON.parse(output) as { transactionsPerSecond: number }).transactionsPerSecond;
}

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command}: ${output}`))));
    child.stdin.end(input ?? '');
  });
}
