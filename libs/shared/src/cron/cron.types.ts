import type { CronSchedule } from './cron-schedule';

/** What to do when a tick fires while the previous run still holds the job's lock. */
export type CronOverlapPolicy = 'skip' | 'wait';

export interface ClusterSafeCronOptions {
  /** Job name in URLs, metrics and Redis keys (default `ClassName.method`); letters, digits, `.`, `_`, `-`. */
  name?: string;
  /** IANA time zone the expression is read in (default UTC). */
  timeZone?: string;
  /** Longest a run may take (default 10 min): its signal aborts then and its lock stops being renewed. */
  maxRunMs?: number;
  /** Keep the job locked at least this long after a run starts, even when the run ends sooner. */
  minHoldMs?: number;
  /** `skip` (default): a tick finding the previous run still going is skipped; `wait`: it waits, until the next tick at most. */
  overlap?: CronOverlapPolicy;
  /** Run the most recent tick missed while no replica was up, once, when the first replica starts. */
  catchUp?: boolean;
  /** Random delay up to this long before claiming a tick, so jobs sharing a schedule do not stampede. */
  jitterMs?: number;
}

export type CronTrigger = 'schedule' | 'catch-up' | 'manual';

/** What a @ClusterSafeCron method receives. */
export interface CronRunContext {
  /** The tick's scheduled fire time (not when this replica's timer woke up). */
  scheduledAt: Date;
  instanceId: string;
  /** True when this run makes up for a tick missed while no replica was up. */
  catchUp: boolean;
  trigger: CronTrigger;
  /** The job lock's fencing token, for downstream writes that must reject a stale run. */
  fencingToken: number;
  /** Aborted when the lock is lost, `maxRunMs` passes, or shutdown's grace period ends. */
  signal: AbortSignal;
}

export type CronOutcome = 'success' | 'failure' | 'timeout' | 'lock-lost' | 'aborted' | 'skipped';

/** One run (or a tick skipped because the previous run held the lock), as kept in the history. */
export interface CronRunRecord {
  job: string;
  tick: string;
  scheduledAt: string;
  trigger: CronTrigger;
  instanceId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: CronOutcome;
  error?: string;
  fencingToken?: number;
}

export interface CronPauseState {
  pausedAt: string;
  pausedBy: string;
}

export interface CronJobState {
  paused: CronPauseState | null;
  lastRuns: CronRunRecord[];
}

export type TickClaim = 'claimed' | 'taken' | 'paused';

/**
 * Shared cron state: tick claims, the pause switch and run history. Redis for real deployments,
 * process memory for a standalone instance.
 */
export interface CronStateStore {
  readonly kind: 'redis' | 'in-process';
  /** Claims one tick of a job for this instance, unless the job is paused or the tick is taken. */
  claimTick(job: string, tick: string, instanceId: string, ttlMs: number): Promise<TickClaim>;
  /** Appends to the job's bounded history; `completesTickAt` also advances its last completed tick. */
  record(run: CronRunRecord, completesTickAt?: number): Promise<void>;
  lastCompletedTick(job: string): Promise<number | null>;
  pause(job: string, state: CronPauseState): Promise<void>;
  /** Clears the pause switch; false when the job was not paused. */
  resume(job: string): Promise<boolean>;
  describe(jobs: string[], runs: number): Promise<Map<string, CronJobState>>;
}

/** The scheduler's notion of now, in epoch ms; tests inject a skewed one. */
export interface CronClock {
  now(): number;
}

export const SYSTEM_CLOCK: CronClock = { now: () => Date.now() };

/** A discovered @ClusterSafeCron method, ready to schedule. */
export interface CronJobDefinition {
  name: string;
  expression: string;
  timeZone: string;
  maxRunMs: number;
  minHoldMs: number;
  overlap: CronOverlapPolicy;
  catchUp: boolean;
  jitterMs: number;
  /** `ClassName.method`, for logs and the listing. */
  handlerName: string;
  handler(context: CronRunContext): Promise<unknown>;
  /** Listed and triggerable by hand, but never fired by the scheduler (CRON_SCHEDULE_OVERRIDES). */
  disabled?: boolean;
  /** The CRON_SCHEDULE_OVERRIDES entry applied to this job, and the expression its decorator declares. */
  override?: { entry: CronScheduleOverride; declaredExpression: string };
}

/** One CRON_SCHEDULE_OVERRIDES entry: what an operator changes in a job's schedule without a rebuild. */
export interface CronScheduleOverride {
  expression?: string;
  jitterMs?: number;
  minHoldMs?: number;
  /** Also bounds the job lock's lease, i.e. how soon a dead replica's run frees the job. */
  maxRunMs?: number;
  disabled?: boolean;
}

/** CRON_SCHEDULE_OVERRIDES, by job name. */
export type CronScheduleOverrides = Readonly<Record<string, Readonly<CronScheduleOverride>>>;

/** A registered job and its parsed schedule. */
export interface RegisteredCronJob {
  definition: CronJobDefinition;
  schedule: CronSchedule;
}
