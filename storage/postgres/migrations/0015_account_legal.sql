-- +goose Up
-- 0015 account legal details: the account holder's legal name, tax code,
-- address and contacts as its documents name the buyer (invoice.Party as
-- JSON); NULL means none given. Documents copy them when issued.
ALTER TABLE accounts ADD COLUMN legal jsonb
    CHECK (legal IS NULL OR jsonb_typeof(legal) = 'object');

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (15, 'account_legal');
