import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogLevel } from '../config/base-service.config';
import { redactCredentials } from './log-redaction';
import { RequestContext } from './request-context';
import { ServiceContext } from './service-context';

export interface AppLoggerOptions {
  serviceName: string;
  instanceId: string;
  level: LogLevel;
  /** Where to write; defaults to stdout. Tests pass a stream to read the lines back. */
  destination?: pino.DestinationStream;
  /**
   * Stdout only: lines are gathered until this many bytes (0: each line is written at once), and
   * written at the latest every `flushIntervalMs`; an error or fatal line is written at once.
   */
  bufferBytes?: number;
  flushIntervalMs?: number;
  /** A file standing for stdout, for tests of the buffering. */
  stdoutPath?: string;
  /** `pretty`: coloured, one readable line per entry, for a person at a terminal (npm start). */
  format?: 'json' | 'pretty';
}

const DEFAULT_FLUSH_INTERVAL_MS = 200;
/** POSIX's smallest PIPE_BUF (Linux's): a write up to this size to a pipe is never split. */
const PIPE_BUF = 4096;
/** sonic-boom needs its minimum write below its maximum. */
const MAX_BUFFER_BYTES = PIPE_BUF - 1;
/** The longest `drain` waits: a reader that stopped reading must not hold up the service. */
const DRAIN_TIMEOUT_MS = 1000;

/**
 * JSON logger for the whole process: every line carries service (ServiceContext's, when the process
 * hosts several), instance id and, inside a request, the request id. Installed as Nest's logger so `new Logger(Context)` in any class writes through it.
 */
export class AppLogger implements LoggerService {
  readonly pino: PinoLogger;
  // The stdout destination this logger opened with a buffer (none when given one or unbuffered).
  private buffered: ReturnType<typeof pino.destination> | null = null;

  constructor(options: AppLoggerOptions) {
    this.pino = pino(
      {
        level: options.level,
        base: { instanceId: options.instanceId, pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        // Credentials are censored in every line (log-redaction.ts), cheaper than pino's `redact`.
        formatters: { level: (label) => ({ level: label }), log: redactCredentials },
        mixin: () => {
          const service = ServiceContext.current() ?? options.serviceName;
          const requestId = RequestContext.requestId();
          return requestId ? { service, requestId } : { service };
        },
      },
      options.destination ?? (options.format === 'pretty' ? prettyStdout() : this.stdout(options)),
    );
  }

  /**
   * Stdout through sonic-boom, asynchronous. With a buffer, a burst of requests' lines leaves in a
   * few writes instead of one system call each (each wakes whatever reads the pipe: a write cost
   * as much CPU as the rest of an access log line on a 2-core VM). What a kill -9 can lose is at
   * most the last `flushIntervalMs` of info lines; an error or fatal line is written at once.
   */
  private stdout(options: AppLoggerOptions): pino.DestinationStream {
    const bufferBytes = Math.min(options.bufferBytes ?? 0, MAX_BUFFER_BYTES);
    const destination = pino.destination({
      dest: options.stdoutPath ?? 1,
      sync: false,
      minLength: bufferBytes,
      // Each write whole lines of at most PIPE_BUF bytes: atomic on a pipe, so processes sharing one
      // stdout (PM2 fork mode, the npm start launcher) never interleave inside a line.
      maxWrite: PIPE_BUF,
      periodicFlush: bufferBytes > 0 ? (options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS) : 0,
    });
    if (bufferBytes > 0) this.buffered = destination;
    return destination;
  }

  /**
   * Writes the buffered lines and resolves once they are out (or after a second, whatever the
   * reader does): for a line someone waits for, such as "service listening".
   */
  drain(): Promise<void> {
    const buffered = this.buffered;
    if (!buffered) return Promise.resolve();
    // sonic-boom calls a flush back when its write in flight ends, which may leave lines shorter
    // than its minimum buffered: the second round, with nothing in flight, writes them.
    const round = () => new Promise<void>((resolve) => buffered.flush(() => resolve()));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref());
    return Promise.race([round().then(round), deadline]);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Flushes buffered lines; called last during shutdown. */
  flush(): void {
    this.pino.flush();
  }

  // Nest calls log(message, context) or error(message, stack, context); objects become fields.
  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    for (const param of params) {
      if (param instanceof Error) fields.err = param;
      else if (typeof param === 'string') fields.stack = param;
      else if (param && typeof param === 'object') Object.assign(fields, param);
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message && typeof message === 'object') {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[level](fields, String(message));
    }
    if (level === 'error' || level === 'fatal') void this.drain();
  }
}

/** pino-pretty in this process (no worker thread): `npm start`'s services log to a terminal. */
function prettyStdout(): pino.DestinationStream {
  return pinoPretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,instanceId',
    messageFormat: '{service} {msg}',
    sync: true,
  });
}
