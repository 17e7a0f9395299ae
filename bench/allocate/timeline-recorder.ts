// Loaded into every service process of `bench:allocate` with `node --require` when BENCH_TIMELINE=1:
// records when each HTTP request arrives and is answered (with the CPU the process used meanwhile,
// all its threads, so its own background work is included), each SQL statement and Redis command
// leaves and comes back, and each outgoing HTTP request is created, written and answered, while the
// bench's marker file exists (the c=1 run only). Times are `performance.timeOrigin + now()`, the
// same clock in every process, so one allocation can be followed from process to process
// (timeline-report.ts). It patches the drivers' prototypes rather than the services' code, so the
// timeline shows what the built services do; nothing here loads unless the bench asks for it.
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { subscribe } from 'node:diagnostics_channel';
import { Server } from 'node:http';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { MARKER_FILE, type TimelineEvent } from './timeline-report';

const directory = process.env.BENCH_TIMELINE_DIR;
if (directory) record(directory);

function record(directory: string): void {
  const service = /\/apps\/([^/]+)\//.exec(process.argv[1] ?? '')?.[1] ?? 'unknown';
  const file = join(directory, `${service}-${process.pid}.jsonl`);
  const marker = join(directory, MARKER_FILE);
  const now = (): number => performance.timeOrigin + performance.now();
  let recording = false;
  let pending: string[] = [];
  const note = (start: number, kind: TimelineEvent['kind'], label: string, cpuMs?: number): void => {
    if (!recording) return;
    const event: TimelineEvent = {
      start,
      end: now(),
      process: `${service}#${process.pid}`,
      kind,
      label,
      cpuMs,
    };
    pending.push(JSON.stringify(event));
  };
  // A stat every 50 ms, off the measured requests' path; the events of a tick are written after it.
  setInterval(() => {
    recording = existsSync(marker);
    if (pending.length === 0) return;
    appendFileSync(file, `${pending.join('\n')}\n`);
    pending = [];
  }, 50).unref();

  const emit = Server.prototype.emit as (this: Server, event: string, ...args: unknown[]) => boolean;
  Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]): boolean {
    if (event === 'request' && recording) {
      const [request, response] = args as [{ method?: string; url?: string }, NodeJS.EventEmitter];
      const start = now();
      const cpu = process.cpuUsage();
      response.once('finish', () => {
        const used = process.cpuUsage(cpu);
        note(start, 'http-in', `${request.method} ${request.url}`, (used.user + used.system) / 1000);
      });
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;

  // node-postgres: a statement is a config object or text, answered by a callback or a promise.
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  Client.prototype.query = function (this: Client, ...args: unknown[]): unknown {
    if (!recording) return query.apply(this, args);
    const start = now();
    const config = args[0] as string | { text?: string; name?: string; callback?: unknown };
    const label = typeof config === 'string' ? config : (config?.text ?? config?.name ?? 'query');
    const done = (): void => note(start, 'sql', label);
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (...answer: unknown[]) => (done(), callback(...answer));
    } else if (typeof config === 'object' && typeof config.callback === 'function') {
      const answered = config.callback as (...answer: unknown[]) => unknown;
      config.callback = (...answer: unknown[]) => (done(), answered(...answer));
    }
    const result = query.apply(this, args);
    if (result instanceof Promise) result.then(done, done);
    return result;
  } as typeof Client.prototype.query;

  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, command, stream) {
    if (recording) {
      const start = now();
      const done = (): void => note(start, 'redis', command.name);
      command.promise.then(done, done);
    }
    return sendCommand.call(this, command, stream);
  };

  // undici (the services' HTTP client): created → headers written → answered.
  const created = new WeakMap<object, number>();
  subscribe('undici:request:create', (message) => {
    if (recording) created.set((message as { request: object }).request, now());
  });
  const outgoing = (kind: 'http-out-write' | 'http-out') => (message: unknown) => {
    const { request } = message as { request: { method?: string; path?: string } };
    const start = created.get(request);
    if (start !== undefined) note(start, kind, `${request.method} ${request.path}`);
  };
  subscribe('undici:client:sendHeaders', outgoing('http-out-write'));
  subscribe('undici:request:headers', outgoing('http-out'));
}
