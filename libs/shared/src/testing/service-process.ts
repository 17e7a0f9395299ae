import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ServiceName } from '@cloudphone/contracts';
import { repositoryRoot } from './repository-root';
import { waitFor } from './wait-for';

export interface LogLine {
  level?: string;
  msg?: string;
  [field: string]: unknown;
}

export interface ServiceProcessOptions {
  /** A service of the catalog, or a label for a test fixture started through `entry`. */
  service: ServiceName | (string & {});
  /** Compiled entry point relative to the repository root (default dist/apps/<service>/src/main.js). */
  entry?: string;
  env: Record<string, string>;
  /** Node options that NODE_OPTIONS may not carry, e.g. `--cpu-prof` for a profile of the run. */
  nodeArguments?: string[];
  /** Wait for `/health/ready` to answer 200 (default) or only for the port to open. */
  waitUntil?: 'ready' | 'listening';
  startTimeoutMs?: number;
}

/**
 * A real process of a built service (dist/apps/<service>/src/main.js), with its JSON log lines
 * collected, for tests about boot, shutdown, replicas and crashes.
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  url = '';
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private collecting = true;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (this.collecting) this.logs.push(parseLine(line));
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      this.logs.push(parseLine(line));
    });
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Spawns the service and resolves once it is listening (and ready, unless told otherwise). */
  static start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const main = options.entry
      ? join(repositoryRoot(), options.entry)
      : join(repositoryRoot(), 'dist', 'apps', options.service, 'src', 'main.js');
    return ServiceProcess.launch(options.service, main, options);
  }

  /** Spawns a built test app, dist/e2e/fixtures/<fixture>/main.js, the same way as a service. */
  static startFixture(
    options: Omit<ServiceProcessOptions, 'service'> & { fixture: string },
  ): Promise<ServiceProcess> {
    const main = join(repositoryRoot(), 'dist', 'e2e', 'fixtures', options.fixture, 'main.js');
    return ServiceProcess.launch(options.fixture, main, options);
  }

  private static async launch(
    label: string,
    main: string,
    options: Omit<ServiceProcessOptions, 'service'>,
  ): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [...(options.nodeArguments ?? []), main], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child);
    // A process that dies while starting fails the start at once (waitFor would keep polling), with
    // its stderr read to the end ('close' comes after the pipes drain).
    const died = new Promise<never>((_, reject) =>
      child.once('close', () =>
        reject(new Error(`${label} exited during start: ${service.stderr.join('\n')}`)),
      ),
    );
    died.catch(() => undefined);
    const listening = await Promise.race([
      waitFor(() => service.logs.find((line) => line.msg === 'service listening'), {
        timeoutMs: options.startTimeoutMs ?? 30000,
        description: `${label} to listen`,
      }),
      died,
    ]).catch(async (error: Error) => {
      child.kill('SIGKILL');
      throw error;
    });
    service.url = String(listening.url);
    if (options.waitUntil !== 'listening') {
      await waitFor(async () => (await fetch(`${service.url}/health/ready`)).status === 200, {
        timeoutMs: options.startTimeoutMs ?? 30000,
        description: `${label} /health/ready to answer 200`,
      });
    }
    return service;
  }

  /**
   * Stops keeping stdout lines (stderr is still kept): for load tests and benchmarks, where parsing
   * every access-log line would steal CPU from the measurement.
   */
  stopCollectingLogs(): void {
    this.collecting = false;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the exit code/signal when the process ends. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exit;
  }

  /** Sends `signal` and waits for exit; returns how long the exit took. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; durationMs: number }> {
    const started = Date.now();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const { code } = await this.exit;
    return { code, durationMs: Date.now() - started };
  }

  /**
   * A JSON request with a bearer token to `path` of this service; a string body is sent as it is
   * (malformed JSON), anything else as JSON. The body comes back parsed (undefined when empty).
   */
  async call<T>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: T & { code?: string } }> {
    const response = await fetch(`${this.url}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T & { code?: string } };
  }

  logsAtLevel(...levels: string[]): LogLine[] {
    return this.logs.filter((line) => line.level !== undefined && levels.includes(line.level));
  }
}

function parseLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { msg: line };
  }
}
