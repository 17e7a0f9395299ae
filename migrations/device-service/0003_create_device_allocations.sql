-- Allocations: each row is one claim of one device for a time range. The database, not a lock,
-- guarantees that a device is never held twice:
--   * device_allocations_no_overlap: live claims (not ended) of one device never overlap in time.
--     Reservations and extensions (later) are live claims with other ranges in this same table.
--   * device_allocations_one_holder: at most one claim per device is holding it (pending/active).
-- Times come from the database clock; `period` follows started_at/expires_at.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Per-device claim counter: every claim takes the next number as its fencing token, so a late job
-- or a stale client holding an older number cannot act on a newer claim.
ALTER TABLE devices ADD COLUMN claim_sequence bigint NOT NULL DEFAULT 0 CHECK (claim_sequence >= 0);
-- The allocation holding the device, kept in step with device_allocations by the statements that
-- claim and end allocations. Only a search aid (free devices come straight off devices_free_idx);
-- the constraints on device_allocations below are what forbid a second holder.
ALTER TABLE devices ADD COLUMN held_by uuid;
CREATE INDEX devices_free_idx ON devices (cpu_cores, memory_mb, storage_gb, id)
  WHERE status = 'available' AND health = 'healthy' AND held_by IS NULL;

CREATE TABLE device_allocations (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices (id),
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  status text NOT NULL CHECK (status IN ('pending', 'active', 'released', 'expired', 'failed')),
  fencing_token bigint NOT NULL CHECK (fencing_token > 0),
  -- The device's spec when claimed: what quota counts and billing prices.
  region text NOT NULL,
  android_version text NOT NULL,
  cpu_cores integer NOT NULL CHECK (cpu_cores > 0),
  memory_mb integer NOT NULL CHECK (memory_mb > 0),
  storage_gb integer NOT NULL CHECK (storage_gb > 0),
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
  claimed_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  period tstzrange GENERATED ALWAYS AS (tstzrange(started_at, expires_at, '[)')) STORED,
  ended_at timestamptz,
  end_reason text CHECK (end_reason IN ('released', 'expired', 'user_deleted', 'account_overdue', 'device_failed', 'admin')),
  billed_seconds integer CHECK (billed_seconds >= 0),
  -- Why a claim failed before it started (QUOTA_EXCEEDED, INSUFFICIENT_BALANCE, ...).
  failure_code text,
  -- Idempotency (Stripe-like): the key, a hash of the request it came with, and the answer to replay.
  idempotency_key text,
  request_hash text,
  response jsonb,
  -- The expiry an `allocation.expiring` warning was sent for (a new expiry gets a new warning).
  expiry_warned_for timestamptz,
  -- What billing charged, from its `billing.usage_recorded` event.
  charged_amount_minor bigint,
  charged_currency text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT device_allocations_period_check CHECK (expires_at > started_at),
  CONSTRAINT device_allocations_live_check CHECK ((status IN ('pending', 'active')) = (ended_at IS NULL)),
  CONSTRAINT device_allocations_end_check CHECK (
    (status IN ('released', 'expired')) = (end_reason IS NOT NULL AND billed_seconds IS NOT NULL)),
  CONSTRAINT device_allocations_failure_check CHECK ((status = 'failed') = (failure_code IS NOT NULL)),
  CONSTRAINT device_allocations_device_fencing_key UNIQUE (device_id, fencing_token),
  CONSTRAINT device_allocations_no_overlap EXCLUDE USING gist (device_id WITH =, period WITH &&)
    WHERE (ended_at IS NULL)
);

CREATE UNIQUE INDEX device_allocations_one_holder ON device_allocations (device_id)
  WHERE status IN ('pending', 'active');
-- Same key from the same user → the same allocation. A failed attempt clears its key (retryable).
CREATE UNIQUE INDEX device_allocations_idempotency_key ON device_allocations (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- Lists: newest first overall, per user, per device.
CREATE INDEX device_allocations_created_idx ON device_allocations (created_at DESC, id);
CREATE INDEX device_allocations_user_idx ON device_allocations (user_id, created_at DESC);
CREATE INDEX device_allocations_device_idx ON device_allocations (device_id, created_at DESC);
-- Expiry and expiry warnings scan active rows by end time; the claim recovery scans pending ones.
CREATE INDEX device_allocations_active_expiry_idx ON device_allocations (expires_at) WHERE status = 'active';
CREATE INDEX device_allocations_pending_idx ON device_allocations (claimed_at) WHERE status = 'pending';
-- Daily cleanup of ended rows.
CREATE INDEX device_allocations_ended_idx ON device_allocations (ended_at) WHERE ended_at IS NOT NULL;

-- Ended allocations older than the retention, moved here by the daily cleanup (same columns).
CREATE TABLE device_allocations_history (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL,
  user_id uuid NOT NULL,
  tenant_id text NOT NULL,
  status text NOT NULL,
  fencing_token bigint NOT NULL,
  region text NOT NULL,
  android_version text NOT NULL,
  cpu_cores integer NOT NULL,
  memory_mb integer NOT NULL,
  storage_gb integer NOT NULL,
  duration_minutes integer NOT NULL,
  claimed_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  end_reason text,
  billed_seconds integer,
  failure_code text,
  charged_amount_minor bigint,
  charged_currency text,
  created_at timestamptz NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_allocations_history_user_idx ON device_allocations_history (user_id, created_at DESC);
CREATE INDEX device_allocations_history_device_idx ON device_allocations_history (device_id, created_at DESC);

-- Hourly statistics snapshots (one row per hour, whichever replica takes the tick).
CREATE TABLE allocation_stats_snapshots (
  hour timestamptz PRIMARY KEY,
  active integer NOT NULL,
  rentable_devices integer NOT NULL,
  utilisation numeric(6, 4) NOT NULL,
  by_status jsonb NOT NULL,
  by_region jsonb NOT NULL,
  started_in_hour integer NOT NULL,
  ended_in_hour integer NOT NULL,
  billed_seconds_in_hour bigint NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now()
);

-- Reports owed to user-service (quota usage and restores) and billing-service (usage records),
-- written in the transaction of the change they report and kept until delivered: a report is never
-- lost when its target is down, and both targets deduplicate per allocation, so resending is safe.
CREATE TABLE usage_reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  allocation_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('quota_usage', 'quota_restore', 'billing_usage')),
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  -- delivered: the target accepted it; rejected: the target refused it for good (a 4xx).
  outcome text CHECK (outcome IN ('delivered', 'rejected')),
  settled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT usage_reports_allocation_kind_key UNIQUE (allocation_id, kind),
  CONSTRAINT usage_reports_settled_check CHECK ((outcome IS NULL) = (settled_at IS NULL))
);
CREATE INDEX usage_reports_due_idx ON usage_reports (next_attempt_at) WHERE settled_at IS NULL;
CREATE INDEX usage_reports_settled_idx ON usage_reports (settled_at) WHERE settled_at IS NOT NULL;
