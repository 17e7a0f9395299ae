import { AsyncContextKey } from '../concurrency/async-context';

const storage = new AsyncContextKey<string>('service');

/**
 * Which service the running code belongs to, when one process hosts several (the standalone mode).
 * Nest's `Logger` writes through one process-wide logger, so without this every line would carry
 * the name of the last service started. Work started inside `run` (its HTTP server, timers, pool
 * connections, consumers) keeps the name across awaits.
 */
export const ServiceContext = {
  run<T>(serviceName: string, fn: () => T): T {
    return storage.run(serviceName, fn);
  },
  current(): string | undefined {
    return storage.getStore();
  },
};
