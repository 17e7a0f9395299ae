-- Extensions (renewals) of active allocations. An extension moves expires_at later on the same row,
-- so the exclusion constraint device_allocations_no_overlap (0003) refuses any extension that would
-- reach into another live claim of the device (a reservation), however the requests race.
-- The counters on the row are what the per-tier policy is checked against; the statement that
-- extends compares them with what the policy check saw (compare-and-set), so two concurrent
-- extensions cannot both pass a limit that fits one.
ALTER TABLE device_allocations
  ADD COLUMN extension_count integer NOT NULL DEFAULT 0 CHECK (extension_count >= 0),
  ADD COLUMN extended_minutes integer NOT NULL DEFAULT 0 CHECK (extended_minutes >= 0),
  ADD COLUMN last_extended_at timestamptz;

-- One row per extension, kept after the allocation is archived (the audit of who extended what).
CREATE TABLE allocation_extensions (
  id uuid PRIMARY KEY,
  allocation_id uuid NOT NULL,
  user_id uuid NOT NULL,
  -- 1 for the allocation's first extension, 2 for the next: never two with one number.
  sequence integer NOT NULL CHECK (sequence > 0),
  additional_minutes integer NOT NULL CHECK (additional_minutes > 0),
  reason text CHECK (length(reason) <= 500),
  previous_expires_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- Who asked: the user id, or `service:<name>`.
  actor text NOT NULL,
  -- Required for every extension: the same key from the same user answers the same extension.
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT allocation_extensions_sequence_key UNIQUE (allocation_id, sequence),
  CONSTRAINT allocation_extensions_length_check
    CHECK (expires_at = previous_expires_at + make_interval(mins => additional_minutes))
);
CREATE UNIQUE INDEX allocation_extensions_idempotency_key ON allocation_extensions (user_id, idempotency_key);
