-- Coupons: a discount on a payment (a balance top-up through a payment provider). The payer pays
-- amount − discount; the account is credited the full amount. A use is reserved when the payment is
-- created, confirmed when it succeeds and released when it fails or expires.

-- coupons: the definition and how many uses it has given. redeemed_count counts reserved and
-- confirmed uses, so a reserved use counts toward max_redemptions at once; the CHECK below is the
-- last word that the count never passes the limit, whatever the code does.
CREATE TABLE coupons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored in upper case, so UNIQUE (code) is case-insensitive by construction and a lookup of the
  -- upper-cased input uses the plain index.
  code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$'),
  kind text NOT NULL CHECK (kind IN ('percentage', 'fixed')),
  -- percentage: basis points (2500 = 25 %).
  percent_bp integer CHECK (percent_bp BETWEEN 1 AND 10000),
  -- fixed: the discount in minor units of `currency` (never more than the amount paid).
  amount_minor bigint CHECK (amount_minor BETWEEN 1 AND 999999999999),
  -- Required for fixed coupons and minimum amounts; optional for percentages (limits them to it).
  currency char(3) CHECK (currency ~ '^[A-Z]{3}$'),
  -- NULL: no total limit.
  max_redemptions integer CHECK (max_redemptions BETWEEN 1 AND 1000000000),
  per_user_limit integer NOT NULL DEFAULT 1 CHECK (per_user_limit BETWEEN 1 AND 1000),
  min_amount_minor bigint NOT NULL DEFAULT 0 CHECK (min_amount_minor BETWEEN 0 AND 999999999999),
  starts_at timestamptz NOT NULL DEFAULT now(),
  -- NULL: never expires.
  expires_at timestamptz,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'expired')),
  redeemed_count integer NOT NULL DEFAULT 0 CHECK (redeemed_count >= 0),
  -- The admin who created it (audit; NULL if created some other way).
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT coupons_code_key UNIQUE (code),
  CONSTRAINT coupons_discount_check CHECK (
    (kind = 'percentage' AND percent_bp IS NOT NULL AND amount_minor IS NULL)
    OR (kind = 'fixed' AND amount_minor IS NOT NULL AND currency IS NOT NULL AND percent_bp IS NULL)
  ),
  -- A minimum amount is in some currency.
  CONSTRAINT coupons_min_amount_currency_check CHECK (min_amount_minor = 0 OR currency IS NOT NULL),
  CONSTRAINT coupons_window_check CHECK (expires_at IS NULL OR expires_at > starts_at),
  CONSTRAINT coupons_redemption_limit_check
    CHECK (max_redemptions IS NULL OR redeemed_count <= max_redemptions)
);

-- The admin list, newest first.
CREATE INDEX coupons_created_at_idx ON coupons (created_at DESC, id);
-- What the expire-coupons job looks for.
CREATE INDEX coupons_expiry_idx ON coupons (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;

-- coupon_redemptions: one row per payment that used a coupon, keyed by the payment's reference
-- (`payment:<uuid>`), so a retried reservation finds its first answer instead of using twice.
CREATE TABLE coupon_redemptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  coupon_id uuid NOT NULL REFERENCES coupons (id),
  user_id uuid NOT NULL,
  reference text NOT NULL
    CHECK (char_length(reference) BETWEEN 3 AND 200 AND reference ~ '^[a-z][a-z0-9-]*:[A-Za-z0-9._:-]+$'),
  amount_minor bigint NOT NULL CHECK (amount_minor BETWEEN 1 AND 999999999999),
  discount_minor bigint NOT NULL CHECK (discount_minor >= 0 AND discount_minor <= amount_minor),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'confirmed', 'released')),
  reserved_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  released_at timestamptz,
  CONSTRAINT coupon_redemptions_reference_key UNIQUE (reference),
  CONSTRAINT coupon_redemptions_confirmed_check CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL)),
  CONSTRAINT coupon_redemptions_released_check CHECK ((status = 'released') = (released_at IS NOT NULL))
);

-- A user's uses of a coupon that still count (the per-user limit, counted under the coupon's lock).
CREATE INDEX coupon_redemptions_user_idx
  ON coupon_redemptions (coupon_id, user_id) WHERE status <> 'released';
-- Reservations left open for long (their payment never settled), for the expire-coupons job.
CREATE INDEX coupon_redemptions_reserved_idx ON coupon_redemptions (reserved_at) WHERE status = 'reserved';
