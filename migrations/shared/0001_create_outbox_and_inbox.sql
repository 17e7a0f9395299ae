-- migrate:adopts 0002_create_outbox_and_inbox.sql
-- Transactional outbox and consumer inbox (shared events library, libs/shared/src/events).
--
-- outbox: one row per event, written in the same transaction as the change it announces. The relay
-- sends the earliest unsent row of each aggregate (ordering key `aggregate_key`), then marks it sent;
-- the maintenance job deletes sent rows after the retention period.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL,
  event_type text NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$'),
  event_version integer NOT NULL DEFAULT 1 CHECK (event_version >= 1),
  aggregate_key text NOT NULL,
  data jsonb NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  sent_at timestamptz,
  CONSTRAINT outbox_event_id_key UNIQUE (event_id)
);

-- Relay scan in id order over unsent rows, and the backlog/lag gauge.
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
-- "Is there an earlier unsent row of this aggregate?" and the per-aggregate follow-up rows.
CREATE INDEX outbox_unsent_aggregate_idx ON outbox (aggregate_key, id) WHERE sent_at IS NULL;
-- Trimming sent rows older than the retention.
CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- inbox: ids of events this service has handled; the insert shares the handler's transaction, so
-- an event redelivered after a crash or published twice is recognised and skipped.
CREATE TABLE inbox (
  event_id uuid PRIMARY KEY,
  event_type text NOT NULL,
  source text NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now()
);

-- Trimming rows older than the retention.
CREATE INDEX inbox_handled_at_idx ON inbox (handled_at);
