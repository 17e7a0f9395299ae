-- Reservations: a device (or a spec) booked for a future slot [start_at, end_at).
--
-- The slot itself is a live row of device_allocations with status `reserved` and that period, so the
-- exclusion constraint device_allocations_no_overlap (0003) is what keeps two reservations, or a
-- reservation and an allocation or an extension, off one device at one time, whatever the races.
-- At its start the same row becomes the `active` allocation (its id is the reservation's id), which
-- is why activation can happen only once. A cancelled slot ends as `cancelled` (nothing billed).
ALTER TABLE device_allocations DROP CONSTRAINT device_allocations_status_check;
ALTER TABLE device_allocations ADD CONSTRAINT device_allocations_status_check
  CHECK (status IN ('reserved', 'pending', 'active', 'released', 'expired', 'failed', 'cancelled'));
ALTER TABLE device_allocations DROP CONSTRAINT device_allocations_live_check;
ALTER TABLE device_allocations ADD CONSTRAINT device_allocations_live_check
  CHECK ((status IN ('reserved', 'pending', 'active')) = (ended_at IS NULL));

-- The booking: who, what was asked for, and where it stands. `device_id`, `start_at` and `end_at`
-- are written by the same statements that write the slot row, so the two never disagree.
CREATE TABLE device_reservations (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  -- pending: quota and balance being confirmed; confirmed: booked; active: became an allocation
  -- (shown as `completed` once that allocation ended, see the view below); cancelled; missed: not
  -- activated in time (no-show); refused: quota or balance said no at booking.
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'active', 'cancelled', 'missed', 'refused')),
  device_id uuid NOT NULL REFERENCES devices (id),
  -- Set for a booking of one named device (it never moves); null for a spec booking.
  requested_device_id uuid REFERENCES devices (id),
  -- The spec asked for (any field may be absent); a spec booking may move to another device that meets it.
  requirements jsonb NOT NULL DEFAULT '{}'::jsonb,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  note text CHECK (length(note) <= 500),
  failure_code text,
  reminded_at timestamptz,
  activated_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text CHECK (length(cancel_reason) <= 500),
  -- Seconds of the slot billed as a late-cancellation fee (RESERVATION_CANCELLATION_FEE_PERCENT).
  cancellation_fee_seconds integer CHECK (cancellation_fee_seconds >= 0),
  idempotency_key text,
  request_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT device_reservations_slot_check CHECK (end_at > start_at),
  CONSTRAINT device_reservations_cancelled_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CONSTRAINT device_reservations_failure_check CHECK ((status IN ('refused', 'missed')) = (failure_code IS NOT NULL))
);
CREATE UNIQUE INDEX device_reservations_idempotency_key ON device_reservations (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX device_reservations_user_idx ON device_reservations (user_id, created_at DESC);
CREATE INDEX device_reservations_created_idx ON device_reservations (created_at DESC, id);
-- The jobs: due activations and reminders (confirmed, by start), stale pending bookings.
CREATE INDEX device_reservations_confirmed_start_idx ON device_reservations (start_at) WHERE status = 'confirmed';
CREATE INDEX device_reservations_pending_idx ON device_reservations (created_at) WHERE status = 'pending';

-- Reservations as they are read: an `active` one whose allocation has ended is `completed`. Derived
-- here rather than written by the release and expiry statements, which stay as lean as they are.
CREATE VIEW device_reservation_states AS
SELECT r.*,
  CASE WHEN r.status = 'active' AND NOT EXISTS (
    SELECT 1 FROM device_allocations a WHERE a.id = r.id AND a.ended_at IS NULL
  ) THEN 'completed' ELSE r.status END AS state
FROM device_reservations r;
