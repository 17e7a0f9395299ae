import type { AllocationEndReason, AllocationResponse, AllocationStatus } from '@cloudphone/contracts';

/** One row of device_allocations as the scheduler works with it. */
export interface AllocationRecord {
  id: string;
  deviceId: string;
  userId: string;
  tenantId: string;
  status: AllocationStatus;
  /** The device's claim number (a bigint, kept as a decimal string). */
  fencingToken: string;
  region: string;
  androidVersion: string;
  cpuCores: number;
  memoryMb: number;
  storageGb: number;
  durationMinutes: number;
  claimedAt: Date;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: AllocationEndReason | null;
  billedSeconds: number | null;
  failureCode: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** The answer given when it was allocated, replayed for a repeated idempotency key. */
  response: AllocationResponse | null;
  chargedAmountMinor: string | null;
  chargedCurrency: string | null;
  createdAt: Date;
}

/** The row as `SELECT ${ALLOCATION_COLUMNS}` returns it. */
export interface AllocationRow {
  id: string;
  device_id: string;
  user_id: string;
  tenant_id: string;
  status: AllocationStatus;
  fencing_token: string;
  region: string;
  android_version: string;
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  duration_minutes: number;
  claimed_at: Date;
  started_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: AllocationEndReason | null;
  billed_seconds: number | null;
  failure_code: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  response: AllocationResponse | null;
  charged_amount_minor: string | null;
  charged_currency: string | null;
  created_at: Date;
}

export const ALLOCATION_COLUMNS = `id, device_id, user_id, tenant_id, status, fencing_token, region,
  android_version, cpu_cores, memory_mb, storage_gb, duration_minutes, claimed_at, started_at, expires_at,
  ended_at, end_reason, billed_seconds, failure_code, idempotency_key, request_hash, response,
  charged_amount_minor, charged_currency, created_at`;

export function toAllocationRecord(row: AllocationRow): AllocationRecord {
  return {
    id: row.id,
    deviceId: row.device_id,
    userId: row.user_id,
    tenantId: row.tenant_id,
    status: row.status,
    fencingToken: String(row.fencing_token),
    region: row.region,
    androidVersion: row.android_version,
    cpuCores: row.cpu_cores,
    memoryMb: row.memory_mb,
    storageGb: row.storage_gb,
    durationMinutes: row.duration_minutes,
    claimedAt: row.claimed_at,
    startedAt: row.started_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    billedSeconds: row.billed_seconds,
    failureCode: row.failure_code,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    response: row.response,
    chargedAmountMinor: row.charged_amount_minor === null ? null : String(row.charged_amount_minor),
    chargedCurrency: row.charged_currency,
    createdAt: row.created_at,
  };
}

/** The public shape of an allocation. */
export function toAllocationResponse(record: AllocationRecord): AllocationResponse {
  return {
    id: record.id,
    deviceId: record.deviceId,
    userId: record.userId,
    tenantId: record.tenantId,
    status: record.status,
    fencingToken: record.fencingToken,
    durationMinutes: record.durationMinutes,
    region: record.region,
    androidVersion: record.androidVersion,
    cpuCores: record.cpuCores,
    memoryMb: record.memoryMb,
    storageGb: record.storageGb,
    startedAt: record.startedAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    endedAt: record.endedAt?.toISOString() ?? null,
    endReason: record.endReason,
    billedSeconds: record.billedSeconds,
    chargedAmountMinor: record.chargedAmountMinor,
    currency: record.chargedCurrency,
    createdAt: record.createdAt.toISOString(),
  };
}
