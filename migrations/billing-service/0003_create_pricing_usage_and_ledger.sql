-- Pricing, usage records and the ledger (issue 5). Money is integer minor units (bigint);
-- price rates are integer micro-minor units per hour (1,000,000 = one cent per hour for USD).

-- price_plans: versioned per currency, never updated in place. A change inserts version N+1 in
-- force from its `effective_from`; usage is priced with the version in force when it started.
-- Rates are bounded so that the price of the largest allowed allocation fits a bigint.
CREATE TABLE price_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  version integer NOT NULL CHECK (version >= 1),
  base_micros_per_hour bigint NOT NULL CHECK (base_micros_per_hour BETWEEN 0 AND 999999999999),
  cpu_core_micros_per_hour bigint NOT NULL CHECK (cpu_core_micros_per_hour BETWEEN 0 AND 999999999999),
  memory_gb_micros_per_hour bigint NOT NULL CHECK (memory_gb_micros_per_hour BETWEEN 0 AND 999999999999),
  storage_gb_micros_per_hour bigint NOT NULL CHECK (storage_gb_micros_per_hour BETWEEN 0 AND 999999999999),
  effective_from timestamptz NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT price_plans_currency_version_key UNIQUE (currency, version)
);

-- "The version of this currency in force at time t".
CREATE INDEX price_plans_in_force_idx ON price_plans (currency, effective_from DESC, version DESC);

-- The default plan, in force since the epoch so that any usage start finds a price:
-- 2.00 c/h per device + 1.50 c/h per core + 0.50 c/h per GiB of memory + 0.01 c/h per GB of storage.
INSERT INTO price_plans (currency, version, base_micros_per_hour, cpu_core_micros_per_hour,
                         memory_gb_micros_per_hour, storage_gb_micros_per_hour, effective_from, created_by)
VALUES ('USD', 1, 2000000, 1500000, 500000, 10000, '1970-01-01T00:00:00Z', 'migration 0003');

-- usage_records: one row per allocation, ever (the unique allocation_id is what makes a usage
-- report count exactly once, however often and however concurrently it is resent).
CREATE TABLE usage_records (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  allocation_id uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts (id),
  user_id uuid NOT NULL,
  tenant_id text NOT NULL,
  device_id uuid NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  billed_seconds integer NOT NULL CHECK (billed_seconds >= 0),
  cpu_cores integer NOT NULL CHECK (cpu_cores >= 0),
  memory_mb integer NOT NULL CHECK (memory_mb >= 0),
  storage_gb integer NOT NULL CHECK (storage_gb >= 0),
  price_plan_id uuid NOT NULL REFERENCES price_plans (id),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency char(3) NOT NULL,
  -- The balance right after this charge, so a resend is answered with the first answer.
  balance_after_minor bigint NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT usage_records_allocation_key UNIQUE (allocation_id),
  CONSTRAINT usage_records_period_check CHECK (ended_at >= started_at)
);

CREATE INDEX usage_records_account_idx ON usage_records (account_id, recorded_at DESC);

-- ledger_entries: every change of a balance, with the balance it produced. An account's
-- balance_minor always equals the sum of its entries' amount_minor.
CREATE TABLE ledger_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  kind text NOT NULL CHECK (kind IN ('opening_balance', 'usage_charge', 'top_up')),
  -- Signed: charges are negative, top-ups positive.
  amount_minor bigint NOT NULL,
  balance_after_minor bigint NOT NULL,
  usage_id uuid REFERENCES usage_records (id),
  reference text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_entries_usage_check CHECK ((kind = 'usage_charge') = (usage_id IS NOT NULL)),
  CONSTRAINT ledger_entries_charge_sign_check CHECK (kind <> 'usage_charge' OR amount_minor <= 0),
  CONSTRAINT ledger_entries_top_up_check CHECK (kind <> 'top_up' OR (reference IS NOT NULL AND amount_minor > 0))
);

CREATE UNIQUE INDEX ledger_entries_usage_key ON ledger_entries (usage_id) WHERE usage_id IS NOT NULL;
-- A top-up is applied once per payment reference (the arbiter of INSERT ... ON CONFLICT).
CREATE UNIQUE INDEX ledger_entries_top_up_reference_key ON ledger_entries (reference) WHERE kind = 'top_up';
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id);

-- Balances that predate the ledger become its first entry, so the invariant holds from here on.
INSERT INTO ledger_entries (account_id, kind, amount_minor, balance_after_minor, created_by)
SELECT id, 'opening_balance', balance_minor, balance_minor, 'migration 0003'
FROM accounts
WHERE balance_minor <> 0;
