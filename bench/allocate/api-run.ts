// The API side of the allocate benchmark: user-service, billing-service and N device-service
// processes as built, a seeded device pool, one funded enterprise user per worker; allocate →
// release pairs over HTTP at the given concurrency, then one worker alone for the idle latency.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVICE_CATALOG } from '@cloudphone/contracts';
import { ServiceFleet, TEST_SERVERS, uniqueTestId } from '@cloudphone/shared/testing';
import { seedDevicePool } from '../../tools/seed/device-pool.seed';
import { call, drive, type Pair, report, type RunFigures, type Window } from './load-driver';
import { allocationTimelines, describeTimelines, MARKER_FILE, parseTimeline } from './timeline-report';
import { reportWork, type WorkSnapshot, WorkMeter } from './work-meter';

const USER = SERVICE_CATALOG.user.name;
const BILLING = SERVICE_CATALOG.billing.name;
const DEVICE = SERVICE_CATALOG.device.name;
/** After the warm-up (and its VACUUM), the workers' first pairs are not measured either. */
const REFILL_MS = 1000;
/** Three of the recorders' 50 ms write intervals. */
const RECORDER_FLUSH_MS = 150;

export interface ApiRunOptions {
  pool: number;
  concurrency: number;
  deviceProcesses: number;
  warmupMs: number;
  durationMs: number;
  /** Directory for `--cpu-prof` profiles of every service process (none when undefined). */
  profileDirectory?: string;
  /**
   * Start every service with `--perf-prof`: each writes jit-<pid>.dump in the working directory, so
   * `perf record -k mono -g` then `perf inject --jit` names the JIT frames (moved code included).
   */
  perfMaps?: boolean;
  /**
   * Directory for the c=1 run's timeline: every service process records its HTTP requests, SQL
   * statements and Redis commands there (timeline-recorder.ts), and the run prints what a lone
   * allocate waited for (none when undefined).
   */
  timelineDirectory?: string;
}

export interface ApiFigures {
  loaded: RunFigures;
  alone: RunFigures;
  cpuMsPerPair: number;
}

export async function benchmarkApi(options: ApiRunOptions): Promise<ApiFigures> {
  const fleet = await ServiceFleet.start({
    processes: { [USER]: 1, [BILLING]: 1, [DEVICE]: options.deviceProcesses },
    observe: ['device.#', 'allocation.#', 'billing.#'],
    environment: {
      RATE_LIMIT_WRITE_POINTS: '0',
      ...(options.timelineDirectory ? { BENCH_TIMELINE_DIR: options.timelineDirectory } : {}),
    },
    nodeArguments: [
      ...(options.profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDirectory}`] : []),
      ...(options.perfMaps ? ['--perf-prof', '--interpreted-frames-native-stack'] : []),
      ...(options.timelineDirectory ? ['--require', join(__dirname, 'timeline-recorder.js')] : []),
    ],
  });
  const meter = await WorkMeter.open(fleet, TEST_SERVERS.postgresUrl);
  try {
    for (const processes of Object.values(fleet.processes))
      processes?.forEach((process) => process.stopCollectingLogs());
    await seedDevicePool(fleet.databases[DEVICE]!.url, { count: options.pool, seed: 7 });
    const users = await fundedUsers(fleet, options.concurrency);
    const replicas = Array.from({ length: options.deviceProcesses }, (_, index) => fleet.url(DEVICE, index));
    let turn = 0;
    const pair: Pair = async (worker) => {
      const base = replicas[turn++ % replicas.length];
      const started = performance.now();
      const allocated = await call(`${base}/scheduler/devices/allocate`, users[worker], {
        durationMinutes: 30,
      });
      const allocateMs = performance.now() - started;
      if (allocated.status === 201) {
        const released = await call(`${base}/scheduler/devices/release`, users[worker], {
          allocationId: allocated.body.id,
        });
        if (released.status !== 200) return { allocateMs, status: `release ${released.status}` };
      }
      return { allocateMs, status: String(allocated.status) };
    };
    // The services' JIT is still compiling their hot paths during the first 15–20 s under load
    // (a fifth of device-service's CPU then, none after 50 s: perf with jitdump), so the measured
    // run starts after a warm-up of its own. The shared test server runs without autovacuum: what
    // it would have done to the warm-up's dead rows is done here, on the bench's own databases,
    // before measuring.
    await drive(options.concurrency, { warmupMs: 0, durationMs: options.warmupMs }, pair);
    for (const database of Object.values(fleet.databases)) await database?.query('VACUUM ANALYZE');
    let before: WorkSnapshot | undefined;
    let after: WorkSnapshot | undefined;
    let driverStart = process.cpuUsage();
    let driverCpuMs = 0;
    const loadedRun = await drive(
      options.concurrency,
      {
        warmupMs: REFILL_MS,
        durationMs: options.durationMs,
        onStart: async () => {
          before = await meter.snapshot();
          driverStart = process.cpuUsage();
        },
        onEnd: async () => {
          const used = process.cpuUsage(driverStart);
          driverCpuMs = (used.user + used.system) / 1000;
          after = await meter.snapshot();
        },
      },
      pair,
    );
    const loaded = report(`API c=${options.concurrency}`, loadedRun);
    const cpuMsPerPair = reportWork(before!, after!, loadedRun.pairs, driverCpuMs);
    const alone = report('API c=1', await drive(1, aloneWindow(options.timelineDirectory), pair));
    if (options.timelineDirectory) await printTimeline(options.timelineDirectory);
    return { loaded, alone, cpuMsPerPair };
  } finally {
    await meter.close();
    // A graceful stop first, so a profiled process writes its profile (fleet.stop kills).
    await Promise.all(Object.values(fleet.processes).flatMap((processes) => processes?.map((p) => p.stop())));
    await fleet.stop();
  }
}

/** The c=1 run; with a timeline directory, the services record while it is measured. */
function aloneWindow(timelineDirectory: string | undefined): Window {
  const window: Window = { warmupMs: 1000, durationMs: 5000 };
  if (!timelineDirectory) return window;
  const marker = join(timelineDirectory, MARKER_FILE);
  return {
    ...window,
    onStart: async () => writeFile(marker, ''),
    onEnd: async () => rm(marker),
  };
}

async function printTimeline(directory: string): Promise<void> {
  // The recorders notice the marker's removal and write what they hold within 50 ms.
  await new Promise((resolve) => setTimeout(resolve, RECORDER_FLUSH_MS));
  const files = (await readdir(directory)).filter((file) => file.endsWith('.jsonl'));
  const texts = await Promise.all(files.map((file) => readFile(join(directory, file), 'utf8')));
  const events = texts.flatMap(parseTimeline);
  for (const line of describeTimelines(allocationTimelines(events))) console.log(line);
}

async function fundedUsers(fleet: ServiceFleet, count: number): Promise<string[]> {
  const admin = fleet.tokens.admin();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const created = await call(`${fleet.url(USER)}/users`, admin, {
        email: `${uniqueTestId('bench')}@example.com`,
        password: 'a-long-enough-password',
        displayName: 'Benchmark',
        tier: 'enterprise',
      });
      const id = created.body.id as string;
      await call(`${fleet.url(BILLING)}/billing/accounts/${id}/top-up`, admin, {
        amountMinor: '100000000000',
        reference: uniqueTestId('bench'),
      });
      return fleet.tokens.user({ userId: id });
    }),
  );
}
