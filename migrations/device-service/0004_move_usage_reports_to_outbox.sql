-- Usage reports move into the outbox (issue 10): one store, relay, backoff and admin view for every
-- durable delivery. Each report becomes an outbox message for user-service (quota_usage,
-- quota_restore) or billing-service (billing_usage), typed report.<kind>, keyed by its allocation,
-- with an id derived from allocation and kind exactly as outboxMessageId() derives it, so a report
-- stored again after this migration is still kept once. Pending reports keep their attempts, next
-- attempt and last error; settled ones keep when and how they were settled (until the outbox trims
-- them). Older device-service binaries write usage_reports, so this release is rolled out with
-- device-service stopped while it migrates (docs/deployment.md).
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

DROP TABLE usage_reports;
