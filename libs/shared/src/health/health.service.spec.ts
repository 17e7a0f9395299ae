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

  it('turns not-ready while draining', async () => {
    const health = new HealthService(100);
    health.markDraining();
    const report = await health.readiness();
    expect(report.down).toEqual(['shutdown']);
  });
});
