import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { waitFor } from '@cloudphone/shared/testing';

/** A private redis-server on a spare port, stopped and restarted by the test (never the shared one). */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const redis = new PrivateRedis(port);
    await redis.restart();
    return redis;
  }

  async restart(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(this.port, '127.0.0.1');
          const done = (up: boolean) => {
            socket.destroy();
            resolve(up);
          };
          socket.once('connect', () => done(true)).once('error', () => done(false));
        }),
      { timeoutMs: 10_000, description: `redis-server on port ${this.port} (is redis-server installed?)` },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
