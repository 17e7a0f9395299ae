import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/base-service.config';
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
  /** The file descriptor standing for stdout (1); tests pass a file's. */
  stdoutFd?: number;
}

const DEFAULT_FLUSH_INTERVAL_MS = 200;

/**
 * JSON logger for the whole process: every line carries service (ServiceContext's, when the process
 * hosts several), instance id and, inside a request, the request id. Installed as Nest's logger so `new Logger(Context)` in any class writes through it.
 */
export class AppLogger implements LoggerService {
  readonly pino: PinoLogger;

  constructor(options: AppLoggerOptions) {
    this.pino = pino(
      {
        level: options.level,
        base: { instanceId: options.instanceId, pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const service = ServiceContext.current() ?? options.serviceName;
          const requestId = RequestContext.requestId();
          return requestId ? { service, requestId } : { service };
        },
      },
      options.destination ?? this.stdout(options),
    );
  }

  /**
   * Stdout through sonic-boom, asynchronous. With a buffer, a burst of requests' lines leaves in a
   * few writes instead of one system call each (each wakes whatever reads the pipe: a write cost
   * as much CPU as the rest of an access log line on a 2-core VM). What a kill -9 can lose is at
   * most the last `flushIntervalMs` of info lines, never an error line.
   */
  private stdout(options: AppLoggerOptions): pino.DestinationStream {
    const bufferBytes = options.bufferBytes ?? 0;
    const destination = pino.destination({
      dest: options.stdoutFd ?? 1,
      sync: false,
      minLength: bufferBytes,
    });
    if (bufferBytes > 0) {
      const timer = setInterval(
        () => destination.flush(),
        options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      );
      timer.unref();
    }
    return destination;
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
    if (level === 'error' || level === 'fatal') this.pino.flush();
  }
}
