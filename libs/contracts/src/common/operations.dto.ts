import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

// What every service's operational endpoints answer (/health, /internal/outbox, /internal/cron):
// documented here like any route's answer, so the published documents leave none untyped.

/** Answer of `GET /health/live`. */
export class LivenessResponse {
  @ApiProperty({ enum: ['up'] }) status!: 'up';
}

/** One dependency's check in the readiness report. */
export class DependencyCheckResponse {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ description: 'Whether this dependency decides readiness' }) required!: boolean;
  @ApiProperty() latencyMs!: number;
  @ApiPropertyOptional() error?: string;
}

/** Answer of `GET /health/ready` (200 up or degraded; a 503 NOT_READY carries it as `details`). */
export class ReadinessResponse {
  @ApiProperty({ enum: ['up', 'degraded', 'down'] }) status!: 'up' | 'degraded' | 'down';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(DependencyCheckResponse) },
    description: 'By dependency: postgres, eventLoop, redis, rabbitmq, shutdown',
  })
  checks!: Record<string, DependencyCheckResponse>;
  @ApiProperty({ type: [String], description: 'Required dependencies that are down' }) down!: string[];
  @ApiProperty({ type: [String], description: 'Optional dependencies that are down' }) degraded!: string[];
}

/** One destination's backlog in `GET /internal/outbox`. */
export class OutboxBacklogResponse {
  @ApiProperty() destination!: string;
  @ApiProperty() pending!: number;
  @ApiProperty() failing!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() oldestPendingAgeSeconds!: number;
}

/** Answer of `GET /internal/outbox`. */
export class OutboxSummaryResponse {
  @ApiProperty({ type: [OutboxBacklogResponse] }) destinations!: OutboxBacklogResponse[];
}

/** One outbox row, as `GET /internal/outbox/messages` and its retry show it. */
export class OutboxRowResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty() destination!: string;
  @ApiProperty() type!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ description: 'The message as stored' }) data!: unknown;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) nextAttemptAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) rejectedAt!: Date | null;
}

/** Answer of `GET /internal/outbox/messages`. */
export class OutboxRowsResponse {
  @ApiProperty({ type: [OutboxRowResponse] }) items!: OutboxRowResponse[];
}

/** One finished run of a cron job. */
export class CronRunResponse {
  @ApiProperty() job!: string;
  @ApiProperty() tick!: string;
  @ApiProperty({ format: 'date-time' }) scheduledAt!: string;
  @ApiProperty({ enum: ['schedule', 'catch-up', 'manual'] }) trigger!: string;
  @ApiProperty() instanceId!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) finishedAt!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty() outcome!: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() fencingToken?: number;
}

/** A CRON_SCHEDULE_OVERRIDES entry. */
export class CronScheduleOverrideResponse {
  @ApiPropertyOptional() expression?: string;
  @ApiPropertyOptional() jitterMs?: number;
  @ApiPropertyOptional() minHoldMs?: number;
  @ApiPropertyOptional() maxRunMs?: number;
  @ApiPropertyOptional() disabled?: boolean;
}

/** One job as `GET /internal/cron` shows it. */
export class CronJobResponse {
  @ApiProperty() name!: string;
  @ApiProperty() handler!: string;
  @ApiProperty({ description: "The expression in force (CRON_SCHEDULE_OVERRIDES's, else the declared one)" })
  expression!: string;
  @ApiProperty() declaredExpression!: string;
  @ApiProperty({
    type: CronScheduleOverrideResponse,
    nullable: true,
    description: 'The CRON_SCHEDULE_OVERRIDES entry applied to this job',
  })
  override!: CronScheduleOverrideResponse | null;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() timeZone!: string;
  @ApiProperty() overlap!: string;
  @ApiProperty() catchUp!: boolean;
  @ApiProperty() maxRunMs!: number;
  @ApiProperty() minHoldMs!: number;
  @ApiProperty() jitterMs!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextFireAt!: string | null;
  @ApiProperty() paused!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) pausedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) pausedBy!: string | null;
  @ApiProperty({ type: [CronRunResponse] }) lastRuns!: CronRunResponse[];
}

/** Answer of `GET /internal/cron`. */
export class CronJobsResponse {
  @ApiProperty() instanceId!: string;
  @ApiProperty({ format: 'date-time', description: 'The clock cron ticks are claimed by, for skew checks' })
  serverTime!: string;
  @ApiProperty({ type: [CronJobResponse] }) jobs!: CronJobResponse[];
}

/** Answer of `POST /internal/cron/:job/trigger`: the run started on this instance. */
export class CronManualRunResponse {
  @ApiProperty() job!: string;
  @ApiProperty() tick!: string;
  @ApiProperty({ format: 'date-time' }) scheduledAt!: string;
  @ApiProperty() instanceId!: string;
  @ApiProperty() fencingToken!: number;
}

/** Answer of `POST /internal/cron/:job/pause` and `…/resume`. */
export class CronJobStatusResponse {
  @ApiProperty() job!: string;
  @ApiProperty() paused!: boolean;
}

/** One delivery a consumer gave up on. */
export class DeadLetterResponse {
  @ApiProperty() messageId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'handler_failed, unprocessable, invalid_payload, delivery_limit, ...' })
  reason!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty() lastError!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt!: string | null;
}

/** Answer of `GET /internal/events/dead-letters`. */
export class DeadLetterPageResponse {
  @ApiProperty({ type: String, nullable: true }) queue!: string | null;
  @ApiProperty() total!: number;
  @ApiProperty({ type: [DeadLetterResponse] }) letters!: DeadLetterResponse[];
}

/** Answer of `POST /internal/events/dead-letters/replay`. */
export class DeadLetterReplayResponse {
  @ApiProperty({ type: String, nullable: true }) queue!: string | null;
  @ApiProperty({ type: [String] }) replayed!: string[];
  @ApiProperty() remaining!: number;
}
