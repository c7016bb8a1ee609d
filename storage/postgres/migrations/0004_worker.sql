-- +goose Up
-- 0004 worker: the worker's failure state of a payment, and the indexes of
-- the two payment sweeps (expiry of created and pending payments, gateway
-- retries of created ones).

-- attempts, last_error and retry_at are storage.Payment's Attempts,
-- LastError and RetryAt; NULL retry_at stands for the zero time.
ALTER TABLE payments
    ADD COLUMN attempts   integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN last_error text        NOT NULL DEFAULT '',
    ADD COLUMN retry_at   timestamptz;

-- Payments.ExpiryDue: only created and pending payments are indexed, in the
-- order ExpiryDue returns them, so its scan reads what is in flight and
-- stops after the page. It replaces payments_pending_expiry, which left
-- created payments out.
CREATE INDEX payments_open_expiry ON payments (expires_at, id) WHERE status IN ('created', 'pending');
DROP INDEX payments_pending_expiry;

-- Payments.RetryDue: only created payments (a gateway that never answered)
-- are indexed, oldest first.
CREATE INDEX payments_created ON payments (created_at, id) WHERE status = 'created';

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (4, 'worker');
