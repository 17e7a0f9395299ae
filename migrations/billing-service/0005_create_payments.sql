-- Payments: a user pays through a payment provider (Stripe, or the simulated one in development)
-- and, once the provider says the money was taken, the account is credited exactly once (a
-- `top_up` ledger entry with reference `payment:<id>`, unique like every top-up reference).

-- payments: one row per payment a user started. amount_minor is what the account is credited,
-- charged_minor what the payer pays (amount_minor less a coupon's discount). Bounds mirror the
-- request contract (PaymentCreateRequest) so that no path can store what the API refuses.
CREATE TABLE payments (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  tenant_id text NOT NULL CHECK (char_length(tenant_id) BETWEEN 1 AND 128),
  provider text NOT NULL CHECK (provider IN ('simulated', 'stripe')),
  -- The provider's id of the payment (a Stripe PaymentIntent `pi_…`); null until the provider has
  -- answered the create (a create whose answer was lost is found again by its idempotency key).
  provider_payment_id text
    CHECK (provider_payment_id IS NULL OR (char_length(provider_payment_id) BETWEEN 1 AND 255
      AND provider_payment_id ~ '^[A-Za-z0-9_:.-]+$')),
  amount_minor bigint NOT NULL CHECK (amount_minor BETWEEN 1 AND 99999999),
  charged_minor bigint NOT NULL CHECK (charged_minor BETWEEN 1 AND 99999999),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled', 'expired')),
  -- Upper case, as coupons stores codes (COUPON_CODE_PATTERN).
  coupon_code text CHECK (coupon_code ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$'),
  -- The provider's reason of the last failure (a decline code), for the user and support.
  failure_code text CHECK (failure_code IS NULL OR char_length(failure_code) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- When the payment reached succeeded, canceled or expired (failed may still succeed: a payer
  -- can retry a Stripe PaymentIntent with another card).
  settled_at timestamptz,
  -- The payer never pays more than is credited: a coupon only lowers the charge.
  CONSTRAINT payments_charged_check CHECK (charged_minor <= amount_minor),
  CONSTRAINT payments_discount_check CHECK (charged_minor = amount_minor OR coupon_code IS NOT NULL),
  CONSTRAINT payments_settled_check
    CHECK ((status IN ('succeeded', 'canceled', 'expired')) = (settled_at IS NOT NULL)),
  -- One of our payments per provider payment: a webhook names exactly one row.
  CONSTRAINT payments_provider_payment_key UNIQUE (provider, provider_payment_id)
);

-- "This user's payments, latest first" (GET /billing/payments).
CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC);
-- The payment-timeouts job: open payments by age (small: settled rows leave it).
CREATE INDEX payments_open_idx ON payments (created_at) WHERE status IN ('pending', 'failed');

-- payment_webhook_events: the id of every provider event acted on, so a replayed or resent event
-- (providers deliver at least once, and an attacker may replay a signed one within the tolerance)
-- is answered as a duplicate and changes nothing. Inserted in the transaction that acts on it.
CREATE TABLE payment_webhook_events (
  provider text NOT NULL CHECK (provider IN ('simulated', 'stripe')),
  event_id text NOT NULL
    CHECK (char_length(event_id) BETWEEN 1 AND 255 AND event_id ~ '^[A-Za-z0-9_:.-]+$'),
  type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
  payment_id uuid REFERENCES payments (id),
  received_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_webhook_events_key UNIQUE (provider, event_id)
);
