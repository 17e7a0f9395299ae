-- SMS codes as a product (issue 15): providers, rented numbers with their messages, the blacklist.
-- Money is integer minor units; a number's price is what its user pays when (and only if) a code
-- arrives, its cost what the provider charges the platform (in the provider's currency).

-- Where numbers come from. `kind` picks the driver; the API key is stored encrypted (AES-256-GCM,
-- key from VENDOR_CREDENTIALS_KEY). Health is kept by sms-provider-health, blocks by
-- blacklist-maintenance.
CREATE TABLE sms_providers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
  kind text NOT NULL CHECK (kind IN ('simulated', 'fivesim')),
  enabled boolean NOT NULL DEFAULT true,
  api_url text CHECK (api_url IS NULL OR char_length(api_url) <= 2048),
  api_key_encrypted text,
  healthy boolean NOT NULL DEFAULT true,
  consecutive_health_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_health_failures >= 0),
  last_health_at timestamptz,
  last_health_error text CHECK (last_health_error IS NULL OR char_length(last_health_error) <= 300),
  balance_minor bigint,
  balance_currency char(3) CHECK (balance_currency IS NULL OR balance_currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sms_providers_name_key UNIQUE (name)
);

-- The first schema's admin list of numbers had no renters, messages or providers: rented numbers
-- replace it.
DROP TABLE virtual_numbers;

-- One number rented at a provider for one service ("an activation"): in the warm pool (no user),
-- a user's while it waits for a code, then over.
CREATE TABLE sms_numbers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider text NOT NULL REFERENCES sms_providers (name) ON UPDATE CASCADE,
  activation_id text NOT NULL CHECK (char_length(activation_id) BETWEEN 1 AND 200),
  phone_number text NOT NULL CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
  service text NOT NULL CHECK (service ~ '^[a-z0-9_]{1,40}$'),
  status text NOT NULL CHECK (status IN ('pooled', 'waiting', 'received', 'finished', 'cancelled', 'expired')),
  user_id uuid,
  tenant_id text CHECK (tenant_id IS NULL OR char_length(tenant_id) BETWEEN 1 AND 128),
  allocation_id uuid,
  cost_minor bigint NOT NULL CHECK (cost_minor BETWEEN 0 AND 999999999999),
  cost_currency char(3) NOT NULL CHECK (cost_currency ~ '^[A-Z]{3}$'),
  price_minor bigint NOT NULL CHECK (price_minor BETWEEN 0 AND 999999999999),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  expires_at timestamptz NOT NULL,
  assigned_at timestamptz,
  code text CHECK (code IS NULL OR code ~ '^[A-Za-z0-9-]{1,32}$'),
  code_received_at timestamptz,
  ended_at timestamptz,
  end_reason text CHECK (end_reason IN ('finished', 'cancelled', 'expired', 'allocation_ended', 'user_gone', 'account_overdue')),
  -- Set in the transaction that stores the charge's outbox message: a code is charged once.
  charged_at timestamptz,
  -- The provider was told (cancel: refunded; finish: paid). Until then number-expiry tells it again,
  -- up to 10 attempts (a provider that refuses for good must not block the others).
  provider_settled_at timestamptz,
  provider_settle_attempts integer NOT NULL DEFAULT 0 CHECK (provider_settle_attempts >= 0),
  last_polled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sms_numbers_activation_key UNIQUE (provider, activation_id),
  -- A pooled number has no user; a number that waits for, received or finished a code has one
  -- (a cancelled or expired one may have either: the pool's are cancelled too).
  CONSTRAINT sms_numbers_pooled_check CHECK (status <> 'pooled' OR (user_id IS NULL AND tenant_id IS NULL)),
  CONSTRAINT sms_numbers_user_check CHECK (status NOT IN ('waiting', 'received', 'finished')
                                           OR (user_id IS NOT NULL AND tenant_id IS NOT NULL)),
  CONSTRAINT sms_numbers_code_time_check CHECK ((code IS NULL) = (code_received_at IS NULL)),
  CONSTRAINT sms_numbers_charge_check CHECK (charged_at IS NULL OR code IS NOT NULL),
  CONSTRAINT sms_numbers_end_check CHECK ((ended_at IS NULL) = (status IN ('pooled', 'waiting', 'received')))
);

-- One holder per number at a time, whatever the application does.
CREATE UNIQUE INDEX sms_numbers_one_holder ON sms_numbers (provider, phone_number)
  WHERE status IN ('pooled', 'waiting', 'received');
-- sms-message-polling's turn: the least recently polled waiting numbers first.
CREATE INDEX sms_numbers_polling_idx ON sms_numbers (last_polled_at NULLS FIRST) WHERE status = 'waiting';
-- A rent served from the warm pool, soonest to expire first.
CREATE INDEX sms_numbers_pool_idx ON sms_numbers (service, country_code, expires_at) WHERE status = 'pooled';
CREATE INDEX sms_numbers_expiry_idx ON sms_numbers (expires_at) WHERE status IN ('pooled', 'waiting');
CREATE INDEX sms_numbers_user_idx ON sms_numbers (user_id, created_at DESC, id);
CREATE INDEX sms_numbers_live_allocation_idx ON sms_numbers (allocation_id)
  WHERE status IN ('waiting', 'received') AND allocation_id IS NOT NULL;
CREATE INDEX sms_numbers_created_at_idx ON sms_numbers (created_at DESC, id);
CREATE INDEX sms_numbers_unsettled_idx ON sms_numbers (provider_settle_attempts, ended_at)
  WHERE ended_at IS NOT NULL AND provider_settled_at IS NULL;

CREATE TABLE sms_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number_id uuid NOT NULL REFERENCES sms_numbers (id),
  -- The provider's id of the message (or a digest of it), so a message polled twice is kept once.
  message_id text NOT NULL CHECK (char_length(message_id) BETWEEN 1 AND 200),
  sender text CHECK (sender IS NULL OR char_length(sender) <= 100),
  body text NOT NULL CHECK (char_length(body) <= 2000),
  code text CHECK (code IS NULL OR code ~ '^[A-Za-z0-9-]{1,32}$'),
  received_at timestamptz NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sms_messages_once_key UNIQUE (number_id, message_id)
);

CREATE INDEX sms_messages_received_idx ON sms_messages (received_at DESC, id);

-- Numbers and providers that keep failing, blocked until a time (blacklist-maintenance).
CREATE TABLE sms_blacklist (
  kind text NOT NULL CHECK (kind IN ('number', 'provider')),
  subject text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 300),
  blocked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, subject)
);
