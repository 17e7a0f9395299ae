import type { AllocationEndReason, AllocationResponse, AllocationStatus } from '@cloudphone/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AllocationRecord } from './allocation-record';

/**
 * device_allocations for the paginated list (the shared list helper needs an entity). Writes go
 * through AllocationsRepository's SQL, never through this entity.
 */
@Entity({ name: 'device_allocations' })
export class AllocationEntity implements AllocationRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'device_id', type: 'uuid' })
  deviceId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  status!: AllocationStatus;

  @Column({ name: 'fencing_token', type: 'bigint' })
  fencingToken!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ name: 'android_version', type: 'text' })
  androidVersion!: string;

  @Column({ name: 'cpu_cores', type: 'integer' })
  cpuCores!: number;

  @Column({ name: 'memory_mb', type: 'integer' })
  memoryMb!: number;

  @Column({ name: 'storage_gb', type: 'integer' })
  storageGb!: number;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes!: number;

  @Column({ name: 'claimed_at', type: 'timestamptz' })
  claimedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason!: AllocationEndReason | null;

  @Column({ name: 'billed_seconds', type: 'integer', nullable: true })
  billedSeconds!: number | null;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  response!: AllocationResponse | null;

  @Column({ name: 'charged_amount_minor', type: 'bigint', nullable: true })
  chargedAmountMinor!: string | null;

  @Column({ name: 'charged_currency', type: 'text', nullable: true })
  chargedCurrency!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
