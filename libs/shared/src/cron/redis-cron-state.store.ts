import type { RedisConnectionManager, RedisScript } from '../redis/redis-connection.manager';
import type { CronJobState, CronPauseState, CronRunRecord, CronStateStore, TickClaim } from './cron.types';

// The pause switch is checked in the same atomic step as the claim, so a paused job never starts.
const CLAIM = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

const RECORD = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
if ARGV[3] ~= '' then
  local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
  if tonumber(ARGV[3]) > last then redis.call('SET', KEYS[2], ARGV[3]) end
end
return 1
`;

/**
 * Cron state in Redis under `<prefix>cron:<service>:{<job>}:…`: one short-lived key per claimed
 * tick, the pause switch, the last completed tick and a capped list of run records.
 */
export class RedisCronStateStore implements CronStateStore {
  readonly kind = 'redis';
  private readonly claimScript: RedisScript<number>;
  private readonly recordScript: RedisScript<number>;

  constructor(
    private readonly redis: RedisConnectionManager,
    private readonly serviceName: string,
    private readonly historySize: number,
  ) {
    this.claimScript = redis.defineScript('cloudphoneCronClaim', CLAIM);
    this.recordScript = redis.defineScript('cloudphoneCronRecord', RECORD);
  }

  async claimTick(job: string, tick: string, instanceId: string, ttlMs: number): Promise<TickClaim> {
    const result = await this.claimScript.run(
      [this.key(job, 'tick', tick), this.key(job, 'paused')],
      [instanceId, ttlMs],
    );
    return result === 1 ? 'claimed' : result === -1 ? 'paused' : 'taken';
  }

  async record(run: CronRunRecord, completesTickAt?: number): Promise<void> {
    await this.recordScript.run(
      [this.key(run.job, 'runs'), this.key(run.job, 'last-completed')],
      [JSON.stringify(run), this.historySize, completesTickAt === undefined ? '' : completesTickAt],
    );
  }

  async lastCompletedTick(job: string): Promise<number | null> {
    const value = await this.redis.client.get(this.key(job, 'last-completed'));
    return value === null ? null : Number(value);
  }

  async pause(job: string, state: CronPauseState): Promise<void> {
    await this.redis.client.set(this.key(job, 'paused'), JSON.stringify(state));
  }

  async resume(job: string): Promise<boolean> {
    return (await this.redis.client.del(this.key(job, 'paused'))) === 1;
  }

  async describe(jobs: string[], runs: number): Promise<Map<string, CronJobState>> {
    const pipeline = this.redis.client.pipeline();
    for (const job of jobs) {
      pipeline.get(this.key(job, 'paused'));
      pipeline.lrange(this.key(job, 'runs'), 0, runs - 1);
    }
    const replies = (await pipeline.exec()) ?? [];
    const states = new Map<string, CronJobState>();
    jobs.forEach((job, index) => {
      const [pausedError, paused] = replies[index * 2] ?? [];
      const [runsError, records] = replies[index * 2 + 1] ?? [];
      if (pausedError || runsError) throw pausedError ?? runsError;
      states.set(job, {
        paused: typeof paused === 'string' ? (JSON.parse(paused) as CronPauseState) : null,
        lastRuns: ((records as string[] | undefined) ?? []).map(
          (record) => JSON.parse(record) as CronRunRecord,
        ),
      });
    });
    return states;
  }

  private key(job: string, ...parts: string[]): string {
    return this.redis.key('cron', this.serviceName, `{${job}}`, ...parts);
  }
}
