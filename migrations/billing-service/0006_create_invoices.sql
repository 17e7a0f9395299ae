-- Monthly invoices (issue 16): one statement per account and calendar month (UTC), built from the
-- month's ledger entries. Money is integer minor units (bigint), as everywhere in billing.

-- invoice_number_counters: the last number handed out per invoiced month (`YYYYMM`). A number is
-- taken with `INSERT … ON CONFLICT (period) DO UPDATE SET last_value = last_value + 1 RETURNING`
-- in the transaction that inserts its invoice, so the row lock orders racing generators and a
-- transaction that rolls back gives its number back: numbers are consecutive per month, no gaps.
-- (A Postgres SEQUENCE would not do: nextval() is never rolled back.)
CREATE TABLE invoice_number_counters (
  period char(6) PRIMARY KEY CHECK (period ~ '^[0-9]{4}(0[1-9]|1[0-2])$'),
  last_value integer NOT NULL CHECK (last_value >= 1)
);

-- invoices: the statement of one account for one month. Never rewritten except its status (and the
-- time of each status change); the figures are what the ledger said when the month was closed.
CREATE TABLE invoices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- INV-<YYYYMM of the period>-<counter, at least 6 digits>, e.g. INV-202612-000001.
  number text NOT NULL CHECK (number ~ '^INV-[0-9]{6}-[0-9]{6,10}$'),
  account_id uuid NOT NULL REFERENCES accounts (id),
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (char_length(tenant_id) BETWEEN 1 AND 128),
  -- The first day of the invoiced month; the month is [period_start, period_start + 1 month) in UTC.
  period_start date NOT NULL CHECK (extract(day FROM period_start) = 1),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The balance before the month's first entry (the sum of all earlier ledger entries).
  opening_balance_minor bigint NOT NULL,
  -- What the month's entries took (usage, service charges, negative adjustments), as a positive sum.
  charges_minor bigint NOT NULL CHECK (charges_minor >= 0),
  -- What the month's entries added (top-ups, payments, positive adjustments).
  credits_minor bigint NOT NULL CHECK (credits_minor >= 0),
  closing_balance_minor bigint NOT NULL,
  -- What the month left unpaid: the debt at its end, or 0 when the account was not negative.
  amount_due_minor bigint NOT NULL CHECK (amount_due_minor = GREATEST(0, -closing_balance_minor)),
  -- issued: amount due, not yet late; overdue: amount due past due_at while the account is still
  -- negative; paid: nothing was due, or the account got back to >= 0 (a prepaid account has no
  -- per-invoice payments: paying means topping up).
  status text NOT NULL CHECK (status IN ('issued', 'paid', 'overdue')),
  line_count integer NOT NULL CHECK (line_count >= 0),
  due_at timestamptz NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  overdue_at timestamptz,
  CONSTRAINT invoices_number_key UNIQUE (number),
  -- Once per account-month, whoever wins a race between replicas.
  CONSTRAINT invoices_user_period_currency_key UNIQUE (user_id, period_start, currency),
  CONSTRAINT invoices_totals_check
    CHECK (opening_balance_minor + credits_minor - charges_minor = closing_balance_minor),
  CONSTRAINT invoices_status_due_check CHECK (status = 'paid' OR amount_due_minor > 0),
  CONSTRAINT invoices_paid_at_check CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

-- The admin export and list by period; the overdue job's "unpaid invoices" scan.
CREATE INDEX invoices_period_idx ON invoices (period_start, number);
CREATE INDEX invoices_unpaid_idx ON invoices (due_at) WHERE status IN ('issued', 'overdue');

-- invoice_lines: the month's ledger entries summed per UTC day, line kind, source and sign, so an
-- invoice has at most a few lines per day however many allocations the account ran.
CREATE TABLE invoice_lines (
  invoice_id uuid NOT NULL REFERENCES invoices (id),
  line_no integer NOT NULL CHECK (line_no >= 1),
  kind text NOT NULL CHECK (kind IN ('usage', 'service_charge', 'top_up', 'payment', 'adjustment')),
  -- The UTC day the line's entries were recorded.
  day date NOT NULL,
  description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 200),
  -- How many ledger entries the line sums (allocations, charges, top-ups).
  quantity integer NOT NULL CHECK (quantity >= 1),
  -- Usage lines: the billed seconds of those allocations; null for other kinds.
  seconds bigint CHECK (seconds >= 0),
  -- Signed: negative for charges, positive for credits.
  amount_minor bigint NOT NULL,
  -- The one entry's reference (allocation id, charge or top-up reference) when quantity is 1.
  reference text CHECK (char_length(reference) <= 200),
  PRIMARY KEY (invoice_id, line_no)
);

-- "This account's entries of this month" (statements) without reading its whole ledger.
CREATE INDEX ledger_entries_account_created_idx ON ledger_entries (account_id, created_at);
