-- Notification channels (issue 16): email, webhooks and push beside the inbox.
--
-- notification_deliveries: one record per fact, channel and target (a webhook endpoint; '' for the
-- user's own email address or sockets). The UNIQUE key is the "at most one delivery per channel per
-- event" rule: the dispatcher inserts ON CONFLICT DO NOTHING in the consuming transaction and only
-- a new record gets an outbox message. `id` is the delivery id receivers see (the webhook's
-- X-Cloudphone-Delivery, the email's Message-ID), the same on every retry and replay, so a resend is
-- recognisable. `round` counts retry-failed-deliveries rounds and admin replays: each round is one
-- outbox message (id derived from id and round), and a message of an earlier round finds the record
-- moved on and sends nothing. `lease_until` lets one process send a record at a time.
-- `payload` is what to render; for token emails (sensitive) it is emptied once the record settles.
CREATE TABLE notification_deliveries (
  id uuid PRIMARY KEY,
  user_id uuid,
  channel text NOT NULL CONSTRAINT notification_deliveries_channel_check
    CHECK (channel IN ('email', 'webhook', 'push')),
  event_type text NOT NULL CONSTRAINT notification_deliveries_event_type_length
    CHECK (char_length(event_type) <= 100),
  source_key text NOT NULL CONSTRAINT notification_deliveries_source_key_length
    CHECK (char_length(source_key) <= 300),
  target text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'pending' CONSTRAINT notification_deliveries_status_check
    CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
  sensitive boolean NOT NULL DEFAULT false,
  payload jsonb NOT NULL,
  round integer NOT NULL DEFAULT 0 CHECK (round >= 0),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  total_attempts integer NOT NULL DEFAULT 0 CHECK (total_attempts >= 0),
  lease_until timestamptz,
  last_error text,
  next_retry_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notification_deliveries_once_key UNIQUE (channel, source_key, target),
  CONSTRAINT notification_deliveries_delivered_check CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
  CONSTRAINT notification_deliveries_retry_check CHECK (status = 'failed' OR next_retry_at IS NULL)
);
CREATE INDEX notification_deliveries_user_idx ON notification_deliveries (user_id, created_at DESC);
CREATE INDEX notification_deliveries_retry_idx ON notification_deliveries (next_retry_at)
  WHERE status = 'failed';
CREATE INDEX notification_deliveries_settled_idx ON notification_deliveries (updated_at)
  WHERE status IN ('delivered', 'dead');

-- Preferences: only the choices a user made; the defaults live in code (preferences/channel-defaults.ts)
-- so a new event type needs no data migration. Security emails cannot be switched off: the service
-- refuses such a row, and the dispatcher ignores one anyway.
CREATE TABLE notification_preferences (
  user_id uuid NOT NULL,
  event_type text NOT NULL CHECK (char_length(event_type) <= 100),
  channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'push')),
  enabled boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, event_type, channel)
);

CREATE TABLE notification_settings (
  user_id uuid PRIMARY KEY,
  locale text NOT NULL CHECK (char_length(locale) <= 16),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Webhook endpoints: the signing secret is stored encrypted (it must be read back to sign), shown
-- once at creation. `event_types` empty means every event the user is notified of.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  url text NOT NULL CHECK (char_length(url) <= 2048),
  description text CHECK (char_length(description) <= 200),
  secret_ciphertext text NOT NULL,
  event_types text[] NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX webhook_endpoints_user_idx ON webhook_endpoints (user_id) WHERE deleted_at IS NULL;

-- Error digest: repeated errors counted per window, source and code; `error-digest` mails each closed
-- window once (digested_at set in the transaction that stores the email's delivery).
CREATE TABLE error_digest_entries (
  window_start timestamptz NOT NULL,
  source text NOT NULL CHECK (char_length(source) <= 100),
  code text NOT NULL CHECK (char_length(code) <= 100),
  occurrences bigint NOT NULL DEFAULT 1 CHECK (occurrences > 0),
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  sample text CHECK (char_length(sample) <= 500),
  digested_at timestamptz,
  PRIMARY KEY (window_start, source, code)
);
CREATE INDEX error_digest_entries_pending_idx ON error_digest_entries (window_start) WHERE digested_at IS NULL;
