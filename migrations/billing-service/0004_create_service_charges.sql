-- Service charges: what other services (proxy rentals, SMS codes) charge to a user's account through
-- POST /billing/charges. Their senders deliver from an outbox, at least once and in batches, so the
-- charge is keyed by the sender's business reference and recorded exactly once per reference.

-- service_charges: one row per reference, ever (the unique reference is what makes a charge count
-- once, however often and however concurrently it is resent). Bounds mirror the request contract
-- (ServiceChargeRequest) so that no path can store what the API refuses.
CREATE TABLE service_charges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- `<kind>:<id>`, e.g. `proxy-rental:<uuid>`: the sender's idempotency key.
  reference text NOT NULL
    CHECK (char_length(reference) BETWEEN 3 AND 200 AND reference ~ '^[a-z][a-z0-9-]*:[A-Za-z0-9._:-]+$'),
  account_id uuid NOT NULL REFERENCES accounts (id),
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (char_length(tenant_id) BETWEEN 1 AND 128),
  source text NOT NULL CHECK (source IN ('proxy', 'sms')),
  -- Shown to the user on their statement: bounded, and free of control characters.
  description text NOT NULL
    CHECK (char_length(description) BETWEEN 1 AND 200 AND description !~ '[\x01-\x1f\x7f-\x9f]'),
  -- At most 999,999,999,999 minor units, as top-ups: no run of charges can overflow a bigint sum.
  amount_minor bigint NOT NULL CHECK (amount_minor BETWEEN 0 AND 999999999999),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The balance right after this charge, so a resend is answered with the first answer.
  balance_after_minor bigint NOT NULL,
  -- When the sender's service was consumed; recorded_at is when billing charged it.
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT service_charges_reference_key UNIQUE (reference)
);

-- "This account's charges, latest first" (statements, support).
CREATE INDEX service_charges_account_idx ON service_charges (account_id, recorded_at DESC);

-- ledger_entries learns a fourth kind. The CHECK on kind was declared inline in 0003, so Postgres
-- named it ledger_entries_kind_check; it is dropped and re-added with the new kind. One ALTER
-- TABLE, so the existing rows are scanned once for all the new checks (all pass: no existing row is
-- a service charge, and the new column is null everywhere).
ALTER TABLE ledger_entries
  DROP CONSTRAINT ledger_entries_kind_check,
  ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('opening_balance', 'usage_charge', 'top_up', 'service_charge')),
  ADD COLUMN service_charge_id uuid REFERENCES service_charges (id),
  -- A service-charge entry always names its charge, and only such an entry does (as usage_id).
  ADD CONSTRAINT ledger_entries_service_charge_check
    CHECK ((kind = 'service_charge') = (service_charge_id IS NOT NULL)),
  -- A service charge takes money; it never credits an account.
  ADD CONSTRAINT ledger_entries_service_charge_sign_check
    CHECK (kind <> 'service_charge' OR amount_minor <= 0);

-- One ledger entry per charge: the last word should a bug apply the same charge twice.
CREATE UNIQUE INDEX ledger_entries_service_charge_key
  ON ledger_entries (service_charge_id) WHERE service_charge_id IS NOT NULL;
