import type { NodeResponse } from '@cloudphone/contracts';
import { PoolAutoscalerUseCase } from '../src/modules/nodes/autoscale/pool-autoscaler.use-case';
import { SchedulerTestApp } from './scheduler-test-app';

const POOL = { region: 'scale-1', androidVersion: '13', cpuCores: 2, memoryMb: 2048, storageGb: 16 };

// autoscale-pool (issue 14): the pool kept between minFree and maxFree, within node capacity.
describe('pool autoscaling', () => {
  let app: SchedulerTestApp;

  beforeAll(async () => {
    app = await SchedulerTestApp.start({
      POOL_AUTOSCALE: JSON.stringify([{ ...POOL, minFree: 3, maxFree: 4 }]),
      SIMULATED_PROVIDER_LATENCY_MS: '0',
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const scale = () => app.get(PoolAutoscalerUseCase).scale(new AbortController().signal);
  const node = async (name: string, maxDevices: number) =>
    (
      await app.request<NodeResponse>('POST', 'scheduler/nodes', {
        token: app.tokens.admin(),
        body: { name, region: POOL.region, cpuCores: 64, memoryMb: 65536, storageGb: 1024, maxDevices },
      })
    ).body;
  const free = async () =>
    (
      await app.query<{ n: number; node_id: string | null }>(
        `SELECT node_id, count(*)::int AS n FROM devices
         WHERE region = $1 AND status = 'available' GROUP BY node_id ORDER BY node_id`,
        [POOL.region],
      )
    ).reduce((sum, row) => sum + row.n, 0);

  it('provisions up to minFree within node capacity, then trims back to maxFree', async () => {
    const small = await node('scale-small', 2);
    expect(await scale()).toEqual({ provisioned: 2, retired: 0, short: 1 });
    expect(
      (await app.request<NodeResponse>('GET', `scheduler/nodes/${small.id}`, { token: app.tokens.admin() }))
        .body.usage,
    ).toMatchObject({ devices: 2, available: 2 });

    await node('scale-big', 10);
    expect(await scale()).toEqual({ provisioned: 1, retired: 0, short: 0 });
    expect(await free()).toBe(3);
    expect(await scale()).toEqual({ provisioned: 0, retired: 0, short: 0 });

    // Three more than the maximum appear (an admin added some): the idle excess is retired.
    await app.addDevices(3, POOL);
    expect(await scale()).toEqual({ provisioned: 0, retired: 2, short: 0 });
    expect(await free()).toBe(4);
  });
});
