-- Self-service accounts: sign-up with email verification, usernames, lockout, single-use tokens,
-- API keys, and a security audit log partitioned by month with a login statistics view.

-- A self-registered user is `pending` until they verify their email; admin-created users are active.
ALTER TABLE users DROP CONSTRAINT users_status_check;
ALTER TABLE users ADD CONSTRAINT users_status_check
  CHECK (status IN ('pending', 'active', 'suspended', 'deleted'));

ALTER TABLE users
  ADD COLUMN username text CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$'),
  ADD COLUMN email_verified_at timestamptz,
  -- Consecutive failed logins since the last success or lockout; the lockout is locked_until.
  ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN password_changed_at timestamptz;

CREATE UNIQUE INDEX users_username_key ON users (lower(username)) WHERE username IS NOT NULL;

-- Users that existed before sign-up were created by an admin, who vouched for the address.
UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL;

-- Emailed single-use tokens. Only a SHA-256 of the token is stored (the token carries 256 random
-- bits, so a fast hash is enough); redeeming is one conditional UPDATE, so a token works once.
CREATE TABLE user_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('email_verification', 'password_reset')),
  token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX user_tokens_open_idx ON user_tokens (user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX user_tokens_expires_idx ON user_tokens (expires_at);

-- API keys: shown once, stored as a SHA-256 of the whole key, looked up by that hash.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- The key's first characters, so a user can tell their keys apart without the secret.
  prefix text NOT NULL CHECK (length(prefix) BETWEEN 8 AND 16),
  key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  scopes text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 32),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Names are unique among a user's live keys; a revoked key's name may be reused.
CREATE UNIQUE INDEX api_keys_user_name_key ON api_keys (user_id, lower(name)) WHERE revoked_at IS NULL;
CREATE INDEX api_keys_user_idx ON api_keys (user_id, created_at DESC, id);

-- Security events (logins, failures, lockouts, password and key changes, role changes). No foreign
-- key to users: the record outlives the account. Monthly partitions are created ahead and dropped
-- past retention by the partition-manager job; the default partition catches rows of a month whose
-- partition does not exist yet (the job moves them into it when it creates it).
CREATE TABLE security_audit_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  event text NOT NULL CHECK (event ~ '^[a-z][a-z_]*\.[a-z][a-z_]*$'),
  user_id uuid,
  actor text CHECK (length(actor) <= 80),
  ip text CHECK (length(ip) <= 64),
  user_agent text CHECK (length(user_agent) <= 256),
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX security_audit_events_user_idx ON security_audit_events (user_id, occurred_at DESC);
CREATE INDEX security_audit_events_event_idx ON security_audit_events (event, occurred_at DESC);

CREATE TABLE security_audit_events_default PARTITION OF security_audit_events DEFAULT;

-- This month and the next two, so a fresh database never writes into the default partition.
DO $$
DECLARE
  month_start date;
BEGIN
  FOR offset_months IN 0..2 LOOP
    month_start := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => offset_months))::date;
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF security_audit_events FOR VALUES FROM (%L) TO (%L)',
      'security_audit_events_p' || to_char(month_start, 'YYYY_MM'),
      month_start::timestamp AT TIME ZONE 'UTC',
      (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC'
    );
  END LOOP;
END
$$;

-- Logins per UTC day over the last 90 days, for GET /auth/login-stats; refreshed by the
-- login-stats-refresh job (CONCURRENTLY, which needs the unique index).
CREATE MATERIALIZED VIEW login_stats_daily AS
  SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
         count(*) FILTER (WHERE event = 'login.succeeded')::bigint AS succeeded,
         count(*) FILTER (WHERE event = 'login.failed')::bigint AS failed,
         count(*) FILTER (WHERE event = 'login.locked')::bigint AS lockouts,
         count(DISTINCT user_id) FILTER (WHERE event = 'login.succeeded')::bigint AS distinct_users
  FROM security_audit_events
  WHERE occurred_at >= date_trunc('day', now()) - interval '89 days'
    AND event IN ('login.succeeded', 'login.failed', 'login.locked')
  GROUP BY 1;

CREATE UNIQUE INDEX login_stats_daily_day_key ON login_stats_daily (day);
