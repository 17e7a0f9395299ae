import { randomBytes } from 'node:crypto';

/**
 * A short id unique to this call, for database names, Redis key prefixes, exchanges and queues, so
 * test runs sharing the machine's servers never see each other's data.
 */
export function uniqueTestId(label = 't'): string {
  return `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
