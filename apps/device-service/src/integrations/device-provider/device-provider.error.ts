import type { DeviceProviderOperation } from './device-provider';

/** A provider call that failed: refused, timed out or answered with an error. */
export class DeviceProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly operation: DeviceProviderOperation,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceProviderError';
  }
}
