-- Quotas: per-user limits and usage of devices, CPU cores, memory (MB) and storage (GB).
-- Usage only changes through one conditional UPDATE per report or restore, and the CHECKs make
-- "never negative, never above the limit" a property of the database, not of the code.

-- Default limits per tier. A user's quota row copies its tier's defaults when it is first needed;
-- changing a row here affects quota rows created afterwards (admins use PUT /quotas/:userId/limits
-- for existing users).
CREATE TABLE quota_tier_defaults (
  tier text PRIMARY KEY CHECK (tier IN ('free', 'standard', 'pro', 'enterprise')),
  max_devices bigint NOT NULL CHECK (max_devices >= 0),
  max_cpu_cores bigint NOT NULL CHECK (max_cpu_cores >= 0),
  max_memory_mb bigint NOT NULL CHECK (max_memory_mb >= 0),
  max_storage_gb bigint NOT NULL CHECK (max_storage_gb >= 0)
);

INSERT INTO quota_tier_defaults (tier, max_devices, max_cpu_cores, max_memory_mb, max_storage_gb) VALUES
  ('free', 1, 4, 8192, 64),
  ('standard', 3, 12, 24576, 192),
  ('pro', 10, 40, 81920, 640),
  ('enterprise', 100, 400, 819200, 6400);

CREATE TABLE user_quotas (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  max_devices bigint NOT NULL,
  max_cpu_cores bigint NOT NULL,
  max_memory_mb bigint NOT NULL,
  max_storage_gb bigint NOT NULL,
  used_devices bigint NOT NULL DEFAULT 0,
  used_cpu_cores bigint NOT NULL DEFAULT 0,
  used_memory_mb bigint NOT NULL DEFAULT 0,
  used_storage_gb bigint NOT NULL DEFAULT 0,
  -- True once an admin set this user's limits: a tier change then leaves them alone.
  custom_limits boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT user_quotas_devices_within_limit CHECK (0 <= used_devices AND used_devices <= max_devices),
  CONSTRAINT user_quotas_cpu_cores_within_limit CHECK (0 <= used_cpu_cores AND used_cpu_cores <= max_cpu_cores),
  CONSTRAINT user_quotas_memory_mb_within_limit CHECK (0 <= used_memory_mb AND used_memory_mb <= max_memory_mb),
  CONSTRAINT user_quotas_storage_gb_within_limit CHECK (0 <= used_storage_gb AND used_storage_gb <= max_storage_gb)
);

-- One row per allocation ever reported (or restored before its report arrived): the idempotency
-- key of usage reports and restores. `applied` counts in user_quotas; `restored` no longer does.
-- A restore that arrives before its report leaves a `restored` row with applied_at NULL, so the
-- late report is recognised as a replay instead of taking quota that nothing will give back.
CREATE TABLE quota_usage_records (
  allocation_id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  devices bigint NOT NULL CHECK (devices >= 0),
  cpu_cores bigint NOT NULL CHECK (cpu_cores >= 0),
  memory_mb bigint NOT NULL CHECK (memory_mb >= 0),
  storage_gb bigint NOT NULL CHECK (storage_gb >= 0),
  status text NOT NULL CHECK (status IN ('applied', 'restored')),
  applied_at timestamptz,
  restored_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'applied' OR (applied_at IS NOT NULL AND restored_at IS NULL)),
  CHECK (status <> 'restored' OR restored_at IS NOT NULL)
);

-- Reconciliation and "what does this user hold" queries read a user's live records.
CREATE INDEX quota_usage_records_user_status_idx ON quota_usage_records (user_id, status);
