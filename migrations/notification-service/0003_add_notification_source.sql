-- Where a notification came from, so a domain event never produces two of them.
--
-- source_key: identity of the logical event the notification reports, `<event type>:<natural key>`
-- (e.g. `device.allocated:<allocationId>`, `allocation.expiring:<allocationId>:<expiresAt>`). The
-- inbox table already skips a redelivered envelope id; this key also catches the same fact published
-- again under a new envelope id (a job re-run, a replayed outbox row, a DLQ message re-sent by hand)
-- and a redelivery after the inbox retention has trimmed the id. NULL for notifications not created
-- from an event; UNIQUE allows any number of NULLs.
-- source_event_id: envelope id of the event that created the notification, for tracing.
ALTER TABLE notifications
  ADD COLUMN source_key text,
  ADD COLUMN source_event_id uuid,
  ADD CONSTRAINT notifications_source_key_key UNIQUE (source_key),
  ADD CONSTRAINT notifications_source_key_length CHECK (char_length(source_key) <= 300);
