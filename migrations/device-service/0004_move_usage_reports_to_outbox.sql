-- Usage reports move into the outbox (issue 10): one store, relay, backoff and admin view for every
-- durable delivery. Each report becomes an outbox message for user-service (quota_usage,
-- quota_restore) or billing-service (billing_usage), typed report.<kind>, keyed by its allocation,
-- with an id derived from allocation and kind exactly as outboxMessageId() derives it, so a report
-- stored again is still kept once. Pending reports keep their attempts, next attempt and last
-- error; settled ones keep when and how they were settled (until the outbox trims them).
INSERT INTO outbox (event_id, destination, event_type, aggregate_key, data, occurred_at, attempts,
                    next_attempt_at, last_error, sent_at, rejected_at)
SELECT md5(allocation_id::text || ':' || kind)::uuid,
       CASE kind WHEN 'billing_usage' THEN 'billing-service' ELSE 'user-service' END,
       'report.' || kind,
       allocation_id::text,
       payload,
       created_at,
       attempts,
       next_attempt_at,
       last_error,
       CASE WHEN outcome = 'delivered' THEN settled_at END,
       CASE WHEN outcome = 'rejected' THEN settled_at END
FROM usage_reports
ORDER BY id
ON CONFLICT (event_id) DO NOTHING;

DELETE FROM usage_reports;

-- A rolling update runs this migration while replicas of the previous release still serve, and
-- they write usage_reports. The table stays for them, and every report they insert is forwarded
-- into the outbox, so the new relay delivers it whatever becomes of the old replica. An old replica
-- may also send it itself; user-service and billing-service deduplicate per allocation, so a
-- report sent twice counts once. The new code never reads or writes usage_reports.
CREATE FUNCTION usage_reports_forward_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO outbox (event_id, destination, event_type, aggregate_key, data, occurred_at, next_attempt_at)
  VALUES (md5(NEW.allocation_id::text || ':' || NEW.kind)::uuid,
          CASE NEW.kind WHEN 'billing_usage' THEN 'billing-service' ELSE 'user-service' END,
          'report.' || NEW.kind,
          NEW.allocation_id::text,
          NEW.payload,
          NEW.created_at,
          NEW.next_attempt_at)
  ON CONFLICT (event_id) DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER usage_reports_forward_to_outbox
  AFTER INSERT ON usage_reports
  FOR EACH ROW EXECUTE FUNCTION usage_reports_forward_to_outbox();
