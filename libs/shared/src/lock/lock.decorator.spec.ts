import { MetricsService } from '../metrics/metrics.service';
import { DistributedLockService } from './distributed-lock.service';
import { currentLock } from './held-lock.context';
import { InProcessLockDriver } from './in-process-lock.driver';
import { bindLockService, Lock, resolveLockKey } from './lock.decorator';

class AllocationService {
  readonly active = new Set<string>();
  overlaps = 0;

  @Lock('device:{0}', { ttlMs: 1000, retries: 50, retryDelayMs: 2 })
  async allocate(deviceId: string, userId: string): Promise<string> {
    if (this.active.has(deviceId)) this.overlaps += 1;
    this.active.add(deviceId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.active.delete(deviceId);
    return `${deviceId}:${userId}:${currentLock()?.resource}`;
  }

  @Lock('tenant:{0.tenantId}:user:{0.user.id}', { ttlMs: 1000 })
  async forRequest(_request: { tenantId: string; user: { id: string } }): Promise<string | undefined> {
    return currentLock()?.resource;
  }
}

describe('@Lock', () => {
  it('builds keys from argument positions and paths', () => {
    expect(resolveLockKey('device:{0}', ['d1'])).toBe('device:d1');
    expect(resolveLockKey('t:{0.tenantId}:u:{1.user.id}', [{ tenantId: 'acme' }, { user: { id: 7 } }])).toBe(
      't:acme:u:7',
    );
    expect(resolveLockKey((id: string) => `fn:${id}`, ['x'])).toBe('fn:x');
    expect(() => resolveLockKey('device:{0}', [undefined])).toThrow('no usable value');
    expect(() => resolveLockKey('device:{0}', [{ id: 1 }])).toThrow('no usable value');
  });

  it('rejects a malformed template when the class is defined', () => {
    expect(() => {
      class Broken {
        @Lock('device:{id', { ttlMs: 1000 })
        run(): string {
          return 'ran';
        }
      }
      return Broken;
    }).toThrow('malformed lock key template');
  });

  it('serialises calls on the same key and passes the held lock through', async () => {
    const service = new AllocationService();
    bindLockService(
      service,
      new DistributedLockService(new InProcessLockDriver(null), new MetricsService('t')),
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => service.allocate('d1', `u${index}`)),
    );
    expect(service.overlaps).toBe(0);
    expect(results[0]).toBe('d1:u0:device:d1');
    expect(await service.forRequest({ tenantId: 'acme', user: { id: 'u1' } })).toBe('tenant:acme:user:u1');
  });

  it('explains itself when used on an instance the coordination module did not bind', async () => {
    await expect(new AllocationService().allocate('d1', 'u1')).rejects.toThrow('no lock service bound');
  });
});
