-- Running allocations charged in slices (issue 16): the meter-running-allocations job charges an
-- allocation that runs for long in slices, so its account's balance reflects the usage before the
-- release; its usage report then charges only what the slices did not. Money is integer minor
-- units (bigint), as everywhere in billing.
--
-- Exactness: a slice moves the allocation's meter from seconds_from to seconds_to and charges
-- price(seconds_to) - (what the slices charged so far), so the slices of an allocation always add
-- up to the price of the seconds they cover, rounded once; the usage report charges
-- price(billed seconds) - (what the slices charged). Slices and the final charge therefore add up
-- to exactly the price of the billed seconds, whatever the slice lengths.

-- running_allocations: the allocations device-service announced (`device.allocated`) and the meter
-- of each, the one row every slice and the final charge of the allocation move or close.
CREATE TABLE running_allocations (
  allocation_id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (char_length(tenant_id) BETWEEN 1 AND 128),
  device_id uuid NOT NULL,
  cpu_cores integer NOT NULL CHECK (cpu_cores >= 0),
  memory_mb integer NOT NULL CHECK (memory_mb >= 0),
  storage_gb integer NOT NULL CHECK (storage_gb >= 0),
  started_at timestamptz NOT NULL,
  -- Raised by `allocation.extended`. device-service bills no second after it, so no slice does.
  expires_at timestamptz NOT NULL,
  -- Set by `device.released` / `allocation.expired`: once the end is known, the usage report
  -- charges the rest and the job slices no more.
  ended_at timestamptz,
  -- The meter: seconds from started_at the slices covered, and what they charged in all.
  sliced_seconds integer NOT NULL DEFAULT 0 CHECK (sliced_seconds >= 0),
  sliced_minor bigint NOT NULL DEFAULT 0 CHECK (sliced_minor >= 0),
  -- The usage record that charged the rest (the allocation's final charge): the meter is closed.
  usage_id uuid REFERENCES usage_records (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT running_allocations_period_check CHECK (expires_at >= started_at)
);

-- What the job scans: meters still open (a small part of the table: most rows are closed).
CREATE INDEX running_allocations_open_idx ON running_allocations (allocation_id)
  WHERE usage_id IS NULL AND ended_at IS NULL;

-- usage_slices: each charge of a running allocation, and at most one refund should its usage
-- report price the allocation below what the slices took (its end was learnt late: never expected).
CREATE TABLE usage_slices (
  id uuid PRIMARY KEY,
  allocation_id uuid NOT NULL REFERENCES running_allocations (allocation_id),
  account_id uuid NOT NULL REFERENCES accounts (id),
  kind text NOT NULL CHECK (kind IN ('slice', 'refund')),
  seconds_from integer NOT NULL CHECK (seconds_from >= 0),
  seconds_to integer NOT NULL CHECK (seconds_to >= 0),
  -- What the slice charged (>= 0), or what the refund gave back (< 0).
  amount_minor bigint NOT NULL,
  price_plan_id uuid NOT NULL REFERENCES price_plans (id),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The last word against a second charged twice: the meter leaves each position at most once, so
  -- of two runs slicing one allocation from the same position only one inserts its slice.
  CONSTRAINT usage_slices_allocation_from_key UNIQUE (allocation_id, seconds_from),
  CONSTRAINT usage_slices_direction_check CHECK (
    (kind = 'slice' AND seconds_to > seconds_from AND amount_minor >= 0)
    OR (kind = 'refund' AND amount_minor < 0))
);

CREATE UNIQUE INDEX usage_slices_refund_key ON usage_slices (allocation_id) WHERE kind = 'refund';

-- What the slices had charged when the usage report was recorded: its ledger entry is the rest,
-- amount_minor - sliced_minor (amount_minor stays the allocation's whole price).
ALTER TABLE usage_records
  ADD COLUMN sliced_seconds integer NOT NULL DEFAULT 0 CHECK (sliced_seconds >= 0),
  ADD COLUMN sliced_minor bigint NOT NULL DEFAULT 0 CHECK (sliced_minor >= 0);

-- ledger_entries learns a fifth kind, as 0004 taught it the fourth: one entry per slice or refund,
-- signed like the balance change (a slice negative, a refund positive; usage_slices checks which).
ALTER TABLE ledger_entries
  DROP CONSTRAINT ledger_entries_kind_check,
  ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('opening_balance', 'usage_charge', 'top_up', 'service_charge', 'usage_slice')),
  ADD COLUMN usage_slice_id uuid REFERENCES usage_slices (id),
  ADD CONSTRAINT ledger_entries_usage_slice_check CHECK ((kind = 'usage_slice') = (usage_slice_id IS NOT NULL));

-- One ledger entry per slice: the last word should a bug apply the same slice twice.
CREATE UNIQUE INDEX ledger_entries_usage_slice_key
  ON ledger_entries (usage_slice_id) WHERE usage_slice_id IS NOT NULL;
