-- One outbox for every durable delivery (issue 10): besides events for RabbitMQ (destination
-- 'events'), rows addressed to another destination (an HTTP target such as billing-service) are
-- delivered by the same relay, with the same backoff, gauges and admin view.
--
-- destination: who the row is for. The default keeps every existing row and every older writer on
-- 'events'.
-- rejected_at: the destination refused the row for good (an HTTP 4xx). A row is pending while both
-- sent_at and rejected_at are NULL; it is never both.
ALTER TABLE outbox
  ADD COLUMN destination text NOT NULL DEFAULT 'events'
    CONSTRAINT outbox_destination_check CHECK (destination ~ '^[a-z][a-z0-9-]{0,62}$'),
  ADD COLUMN rejected_at timestamptz,
  ADD CONSTRAINT outbox_settled_once_check CHECK (sent_at IS NULL OR rejected_at IS NULL);

-- The delivery relay's claim: due pending rows of one destination, oldest first.
CREATE INDEX outbox_pending_destination_idx ON outbox (destination, next_attempt_at)
  WHERE sent_at IS NULL AND rejected_at IS NULL AND destination <> 'events';
-- Trimming rejected rows after their (longer) retention.
CREATE INDEX outbox_rejected_at_idx ON outbox (rejected_at) WHERE rejected_at IS NOT NULL;
