import { execFile } from 'node:child_process';
import { repositoryRoot } from '@cloudphone/shared/testing';

/** One PM2-managed process as `pm2 jlist` reports it. */
export interface Pm2Process {
  name: string;
  pmId: number;
  pid: number;
  status: string;
  restarts: number;
  /** NODE_APP_INSTANCE: the worker's index within its app. */
  instanceIndex: number;
}

interface JlistEntry {
  name: string;
  pm_id: number;
  pid: number;
  pm2_env: { status: string; restart_time: number; NODE_APP_INSTANCE?: number };
}

const PM2_BIN = require.resolve('pm2/bin/pm2');

/**
 * The PM2 command line with its own PM2_HOME, so a test's daemon never meets an operator's or
 * another test's. Call `kill()` in afterAll: it stops every process and the daemon itself.
 */
export class Pm2Cli {
  constructor(
    readonly home: string,
    private readonly environment: Record<string, string>,
  ) {}

  /** Runs `pm2 <args>` and returns its standard output; rejects with the output when it fails. */
  run(args: string[], timeoutMs = 180_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [PM2_BIN, ...args],
        {
          cwd: repositoryRoot(),
          env: { ...this.environment, PM2_HOME: this.home },
          timeout: timeoutMs,
          maxBuffer: 32 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (error)
            reject(new Error(`pm2 ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
          else resolve(stdout);
        },
      );
    });
  }

  async list(): Promise<Pm2Process[]> {
    const output = await this.run(['jlist'], 30_000);
    const entries = JSON.parse(output.slice(output.indexOf('['))) as JlistEntry[];
    return entries.map((entry) => ({
      name: entry.name,
      pmId: entry.pm_id,
      pid: entry.pid,
      status: entry.pm2_env.status,
      restarts: entry.pm2_env.restart_time,
      instanceIndex: entry.pm2_env.NODE_APP_INSTANCE ?? 0,
    }));
  }

  /** Stops every process and the daemon; safe to call when no daemon runs. */
  async kill(): Promise<void> {
    await this.run(['kill'], 60_000);
  }
}
