import type { PushFanout } from './push-fanout';

/**
 * One process, no sharing: socket.io's in-memory adapter reaches every socket there is. For the
 * single-instance mode (COORDINATION_DRIVER=memory, standalone), where nothing connects to Redis.
 */
export class LocalPushFanout implements PushFanout {
  readonly kind = 'local';
  readonly adapter = undefined;

  isAvailable(): boolean {
    return true;
  }

  publish(emit: () => void): Promise<void> {
    emit();
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
