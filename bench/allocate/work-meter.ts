// What one allocate+release pair costs each process of the run, read at the start and the end of
// the measured window: CPU from each service's own process.cpuUsage (prom-client's
// process_cpu_seconds_total on /metrics) and from /proc for the Postgres processes, plus the
// statements, transactions, HTTP requests and outbox deliveries behind it.
import { readdirSync, readFileSync } from 'node:fs';
import type { ServiceFleet } from '@cloudphone/shared/testing';
import { Client } from 'pg';
import { request } from 'undici';

interface ProcessCounters {
  cpuSeconds: number;
  requests: number;
  statements: number;
  roundTrips: number;
  eventsPublished: number;
  eventsConsumed: number;
  deliveries: Map<string, number>;
}

export interface WorkSnapshot {
  processes: Map<string, ProcessCounters>;
  /** Committed and rolled-back transactions per service database (pg_stat_database). */
  transactions: Map<string, number>;
  /**
   * CPU seconds per Postgres pid: the fleet's backends (with the service whose database they serve)
   * and the server's background processes (service null).
   */
  postgresCpu: Map<number, { seconds: number; service: string | null }>;
  /** CPU seconds of the Redis and RabbitMQ servers (shared, but only this run uses them meanwhile). */
  brokerCpu: { redis: number; rabbitmq: number };
}

const CLOCK_TICKS_PER_SECOND = 100;

export class WorkMeter {
  private constructor(
    private readonly fleet: ServiceFleet,
    private readonly client: Client,
  ) {}

  static async open(fleet: ServiceFleet, postgresUrl: string): Promise<WorkMeter> {
    const client = new Client({ connectionString: postgresUrl });
    await client.connect();
    return new WorkMeter(fleet, client);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  async snapshot(): Promise<WorkSnapshot> {
    const processes = new Map<string, ProcessCounters>();
    for (const [service, running] of Object.entries(this.fleet.processes)) {
      for (const [index, process] of (running ?? []).entries()) {
        const label = running!.length > 1 ? `${service}#${index + 1}` : service;
        processes.set(label, await scrape(process.url));
      }
    }
    const databases = Object.entries(this.fleet.databases).map(([service, database]) => [
      service,
      database!.name,
    ]);
    const { rows: stats } = await this.client.query<{ datname: string; xacts: string }>(
      `SELECT datname, xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = ANY($1)`,
      [databases.map(([, name]) => name)],
    );
    const transactions = new Map(
      databases.map(([service, name]) => [
        service,
        Number(stats.find((row) => row.datname === name)?.xacts ?? 0),
      ]),
    );
    const { rows: pids } = await this.client.query<{
      pid: number;
      datname: string | null;
      background: boolean;
    }>(
      `SELECT pid, datname, backend_type <> 'client backend' AS background FROM pg_stat_activity
       WHERE pid <> pg_backend_pid() AND (datname = ANY($1) OR backend_type <> 'client backend')`,
      [databases.map(([, name]) => name)],
    );
    const serviceOf = new Map(databases.map(([service, name]) => [name, service]));
    const postgresCpu = new Map(
      pids.map(({ pid, datname, background }) => [
        pid,
        { seconds: cpuSecondsOf(pid), service: background ? null : (serviceOf.get(datname ?? '') ?? null) },
      ]),
    );
    const brokerCpu = { redis: serverCpuSeconds('redis-server'), rabbitmq: serverCpuSeconds('beam.smp') };
    return { processes, transactions, postgresCpu, brokerCpu };
  }

  /** Reads a fresh snapshot once Postgres has flushed its statistics (it does so about every second). */
  async settledSnapshot(): Promise<WorkSnapshot> {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    return this.snapshot();
  }
}

/** Prints the cost per pair between two snapshots, and returns the total CPU milliseconds. */
export function reportWork(
  before: WorkSnapshot,
  after: WorkSnapshot,
  pairs: number,
  driverCpuMs: number,
): number {
  const perPair = (value: number) => value / pairs;
  const cpu: string[] = [];
  let totalMs = 0;
  for (const [label, end] of after.processes) {
    const ms = perPair((end.cpuSeconds - (before.processes.get(label)?.cpuSeconds ?? 0)) * 1000);
    totalMs += ms;
    cpu.push(`${label.replace('-service', '')} ${ms.toFixed(2)}`);
  }
  const postgres = { backends: 0, background: 0 };
  const backendsOf = new Map<string, number>();
  for (const [pid, end] of after.postgresCpu) {
    const ms = perPair((end.seconds - (before.postgresCpu.get(pid)?.seconds ?? 0)) * 1000);
    if (end.service === null) postgres.background += ms;
    else {
      postgres.backends += ms;
      backendsOf.set(end.service, (backendsOf.get(end.service) ?? 0) + ms);
    }
  }
  totalMs += postgres.backends + postgres.background;
  const backendShares = [...backendsOf]
    .map(([service, ms]) => `${service.replace('-service', '')} ${ms.toFixed(2)}`)
    .join(', ');
  const redisMs = perPair((after.brokerCpu.redis - before.brokerCpu.redis) * 1000);
  const rabbitmqMs = perPair((after.brokerCpu.rabbitmq - before.brokerCpu.rabbitmq) * 1000);
  console.log(
    `  CPU ms per pair: ${cpu.join('  ')}  postgres ${postgres.backends.toFixed(2)} (${backendShares}; +${postgres.background.toFixed(2)} background)` +
      `  [redis ${redisMs.toFixed(2)}, rabbitmq ${rabbitmqMs.toFixed(2)}: shared servers, not counted]` +
      `  total ${totalMs.toFixed(2)}  [load driver ${perPair(driverCpuMs).toFixed(2)}, not counted]`,
  );
  // Summed over every process, or the processes of one service.
  const sum = (pick: (counters: ProcessCounters) => number, service = '') =>
    [...after.processes].reduce((total, [label, end]) => {
      if (!label.startsWith(service)) return total;
      const start = before.processes.get(label);
      return total + pick(end) - (start ? pick(start) : 0);
    }, 0);
  const services = [...new Set([...after.processes.keys()].map((label) => label.split('#')[0]))];
  const statements = services.map(
    (service) =>
      `${service.replace('-service', '')} ${perPair(sum((counters) => counters.statements, service)).toFixed(1)}`,
  );
  const roundTrips = services.map(
    (service) =>
      `${service.replace('-service', '')} ${perPair(sum((counters) => counters.roundTrips, service)).toFixed(1)}`,
  );
  const transactions = [...after.transactions].map(
    ([service, end]) =>
      `${service.replace('-service', '')} ${perPair(end - (before.transactions.get(service) ?? 0)).toFixed(2)}`,
  );
  const destinations = new Set(
    [...after.processes.values()].flatMap((counters) => [...counters.deliveries.keys()]),
  );
  const deliveries = [...destinations].map(
    (destination) =>
      `${destination} ${perPair(sum((counters) => counters.deliveries.get(destination) ?? 0)).toFixed(2)}`,
  );
  console.log(
    `  per pair: ${perPair(sum((counters) => counters.statements)).toFixed(1)} statements (${statements.join(', ')}),` +
      ` ${perPair(sum((counters) => counters.roundTrips)).toFixed(1)} round trips (${roundTrips.join(', ')}),` +
      ` transactions (${transactions.join(', ')}), ${perPair(sum((counters) => counters.requests)).toFixed(2)} HTTP requests served,` +
      ` events ${perPair(sum((counters) => counters.eventsPublished)).toFixed(2)} published` +
      ` ${perPair(sum((counters) => counters.eventsConsumed)).toFixed(2)} consumed, HTTP deliveries (${deliveries.join(', ')})`,
  );
  return totalMs;
}

async function scrape(url: string): Promise<ProcessCounters> {
  const response = await request(`${url}/metrics`);
  const text = await response.body.text();
  const counters: ProcessCounters = {
    cpuSeconds: 0,
    requests: 0,
    statements: 0,
    roundTrips: 0,
    eventsPublished: 0,
    eventsConsumed: 0,
    deliveries: new Map(),
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('process_cpu_seconds_total')) counters.cpuSeconds = value;
    else if (line.startsWith('http_request_duration_seconds_count')) counters.requests += value;
    else if (line.startsWith('cloudphone_db_statements_total')) counters.statements = value;
    else if (line.startsWith('cloudphone_db_round_trips_total')) counters.roundTrips = value;
    else if (line.startsWith('cloudphone_events_published_total')) counters.eventsPublished += value;
    else if (line.startsWith('cloudphone_events_consumed_total')) counters.eventsConsumed += value;
    else if (line.startsWith('cloudphone_outbox_deliveries_total') && line.includes('result="delivered"')) {
      const destination = /destination="([^"]+)"/.exec(line)?.[1] ?? 'unknown';
      counters.deliveries.set(destination, (counters.deliveries.get(destination) ?? 0) + value);
    }
  }
  return counters;
}

/** CPU seconds of every process whose command name is `name` (from /proc). */
function serverCpuSeconds(name: string): number {
  let seconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) seconds += cpuSecondsOf(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return seconds;
}

function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0; // gone meanwhile
  }
}
