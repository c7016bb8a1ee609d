-- +goose Up
-- 0012 outbox claims: the lease of the delivery worker that claimed an
-- event (Outbox Claim), so concurrent workers split the outbox instead of
-- handing one event to the host at once. claim_token '' and claimed_until
-- NULL mean unclaimed; a claimed_until in the past is an expired lease.
-- Existing events start unclaimed.
ALTER TABLE outbox
    ADD COLUMN claim_token   text NOT NULL DEFAULT '',
    ADD COLUMN claimed_until timestamptz,
    ADD CONSTRAINT outbox_claim_whole CHECK (claim_token <> '' OR claimed_until IS NULL);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (12, 'outbox_claims');
