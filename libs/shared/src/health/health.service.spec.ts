import { HealthService } from './health.service';

describe('HealthService', () => {
  it('is up when every dependency answers', async () => {
    const health = new HealthService(200);
    health.register({ name: 'postgres', check: async () => undefined });
    health.register({ name: 'redis', check: async () => undefined });
    const report = await health.readiness();
    expect(report.status).toBe('up');
    expect(report.down).toEqual([]);
  });

  it('names a dependency that fails and one that does not answer in time', async () => {
    const health = new HealthService(100);
    health.register({ name: 'postgres', check: async () => undefined });
    health.register({ name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) });
    health.register({ name: 'rabbitmq', check: () => new Promise(() => undefined) });
    const started = Date.now();
    const report = await health.readiness();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.status).toBe('down');
    expect(report.down.sort()).toEqual(['rabbitmq', 'redis']);
    expect(report.checks.redis.error).toContain('ECONNREFUSED');
    expect(report.checks.rabbitmq.error).toContain('no answer within 100 ms');
  });

  it('stays ready, degraded, when only an optional dependency is down', async () => {
    const health = new HealthService(100);
    health.register({ name: 'postgres', check: async () => undefined });
    health.register(
      { name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) },
      { required: false },
    );
    health.register({ name: 'rabbitmq', check: async () => undefined }, { required: false });
    const report = await health.readiness();
    expect(report).toMatchObject({ status: 'degraded', down: [], degraded: ['redis'] });
    expect(report.checks.redis).toMatchObject({ status: 'down', required: false });
    expect(report.checks.postgres).toMatchObject({ status: 'up', required: true });
  });

  it('is down when a required dependency is, whatever the optional ones say', async () => {
    const health = new HealthService(100);
    health.register({ name: 'postgres', check: async () => Promise.reject(new Error('timeout')) });
    health.register({ name: 'redis', check: () => new Promise(() => undefined) }, { required: false });
    const report = await health.readiness();
    expect(report).toMatchObject({ status: 'down', down: ['postgres'], degraded: ['redis'] });
  });

  it('turns not-ready while draining', async () => {
    const health = new HealthService(100);
    health.markDraining();
    const report = await health.readiness();
    expect(report.down).toEqual(['shutdown']);
  });
});
