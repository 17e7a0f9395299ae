import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { databaseNameOf } from '@cloudphone/shared';
import { serviceDatabases } from '../migrate/service-databases';
import { seedDevicePool } from './device-pool.seed';

// Seeds device-service's pool: npm run seed [-- --count N] [--seed S] [--database-url URL].
const DEFAULT_COUNT = 500;
const DEFAULT_SEED = 42;
const MAX_COUNT = 100_000;
const MAX_SEED = 2_147_483_647;

interface PoolRow {
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  region: string;
  devices: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      'database-url': { type: 'string' },
    },
    strict: true,
  });
  const count = integerOption('--count', values.count, DEFAULT_COUNT, 1, MAX_COUNT);
  const seed = integerOption('--seed', values.seed, DEFAULT_SEED, 0, MAX_SEED);
  const databaseUrl = values['database-url'] ?? defaultDatabaseUrl();

  const result = await seedDevicePool(databaseUrl, { count, seed });
  console.log(
    `[seed] ${databaseNameOf(databaseUrl)}: added ${result.added} devices ` +
      `(${result.planned - result.added} of the ${result.planned} with seed ${seed} were already there)`,
  );
  console.log(formatPool(await poolBySpecAndRegion(databaseUrl)));
}

function integerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function defaultDatabaseUrl(): string {
  const repositoryRoot = join(__dirname, '..', '..', '..');
  const device = serviceDatabases(process.env, repositoryRoot).find(
    (target) => target.service === 'device-service',
  );
  if (!device) throw new Error('device-service is missing from the service catalog');
  return device.databaseUrl;
}

async function poolBySpecAndRegion(databaseUrl: string): Promise<PoolRow[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<PoolRow>(
      `SELECT cpu_cores, memory_mb, storage_gb, region, count(*)::int AS devices
       FROM devices WHERE status <> 'retired'
       GROUP BY cpu_cores, memory_mb, storage_gb, region
       ORDER BY cpu_cores, memory_mb, storage_gb, region`,
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

/** The pool as a table: one line per spec, one column per region, totals last. */
function formatPool(rows: PoolRow[]): string {
  const regions = [...new Set(rows.map((row) => row.region))].sort();
  const specs = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const spec = `${row.cpu_cores}c/${row.memory_mb}MB/${row.storage_gb}GB`;
    const byRegion = specs.get(spec) ?? new Map<string, number>();
    byRegion.set(row.region, row.devices);
    specs.set(spec, byRegion);
  }
  const header = ['spec', ...regions, 'total'];
  const lines = [...specs].map(([spec, byRegion]) => [
    spec,
    ...regions.map((region) => String(byRegion.get(region) ?? 0)),
    String([...byRegion.values()].reduce((sum, devices) => sum + devices, 0)),
  ]);
  const totals = [
    'total',
    ...regions.map((region) =>
      String(rows.filter((row) => row.region === region).reduce((sum, row) => sum + row.devices, 0)),
    ),
    String(rows.reduce((sum, row) => sum + row.devices, 0)),
  ];
  const table = [header, ...lines, totals];
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const render = (line: string[]) =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [`[seed] pool by spec and region (devices not retired):`, ...table.map(render)].join('\n');
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  // 3D000: no such database; 42P01: no devices table.
  const hint = code === '3D000' || code === '42P01' ? ' (run `npm run migrate` first)' : '';
  console.error(`[seed] failed: ${(error as Error).message}${hint}`);
  process.exit(1);
});
