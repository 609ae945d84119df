-- A refund remembers a hash of the request that created it, so that an
-- Idempotency-Key reused with a different request is refused instead of
-- silently replaying the first refund. '' for refunds made before.
ALTER TABLE refunds ADD COLUMN request_hash text NOT NULL DEFAULT '';
