import { AsyncContextKey } from '../concurrency/async-context';

export interface RequestContextValues {
  requestId: string;
}

const storage = new AsyncContextKey<RequestContextValues>('request');

/** Per-request values (request id) carried across awaits, readable from any code the request runs. */
export const RequestContext = {
  run<T>(values: RequestContextValues, fn: () => T): T {
    return storage.run(values, fn);
  },
  current(): RequestContextValues | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};
