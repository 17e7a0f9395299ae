-- The priority queue: requests for a device when none matching is free. Entries are served in
-- order of effective priority (the tier's base plus aging per minute waited), FIFO within equal
-- priority. An entry becomes an allocation through the allocate use case with the idempotency key
-- `queue:<entry id>`, so the unique index device_allocations_idempotency_key gives each entry at
-- most one allocation however many replicas serve it or die half-way.
CREATE TABLE device_queue_entries (
  id uuid PRIMARY KEY,
  -- Arrival order: first in, first out among entries of equal priority (even in one millisecond).
  seq bigint GENERATED ALWAYS AS IDENTITY,
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  -- waiting → serving (one replica is trying it now) → waiting again (nothing free), or an end:
  -- fulfilled (an allocation), refused (quota, balance, account), expired (waited too long), cancelled.
  status text NOT NULL CHECK (status IN ('waiting', 'serving', 'fulfilled', 'refused', 'expired', 'cancelled')),
  tier text NOT NULL CHECK (tier IN ('free', 'standard', 'pro', 'enterprise')),
  base_priority integer NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
  requirements jsonb NOT NULL DEFAULT '{}'::jsonb,
  enqueued_at timestamptz NOT NULL,
  -- When it stops waiting: enqueued_at + maxWaitMinutes.
  expires_at timestamptz NOT NULL,
  serving_since timestamptz,
  allocation_id uuid,
  outcome_code text,
  -- Place in the queue at the last refresh (refresh-queue-positions), for lists and estimates.
  position integer,
  ended_at timestamptz,
  idempotency_key text,
  request_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT device_queue_entries_wait_check CHECK (expires_at > enqueued_at),
  CONSTRAINT device_queue_entries_live_check CHECK ((status IN ('waiting', 'serving')) = (ended_at IS NULL)),
  CONSTRAINT device_queue_entries_fulfilled_check CHECK ((status = 'fulfilled') = (allocation_id IS NOT NULL)),
  CONSTRAINT device_queue_entries_serving_check CHECK ((status = 'serving') = (serving_since IS NOT NULL))
);
CREATE UNIQUE INDEX device_queue_entries_idempotency_key ON device_queue_entries (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX device_queue_entries_waiting_idx ON device_queue_entries (enqueued_at) WHERE status = 'waiting';
CREATE INDEX device_queue_entries_serving_idx ON device_queue_entries (serving_since) WHERE status = 'serving';
CREATE INDEX device_queue_entries_user_idx ON device_queue_entries (user_id, created_at DESC);
CREATE INDEX device_queue_entries_created_idx ON device_queue_entries (created_at DESC, id);
