-- +goose Up
-- 0011 account credit limit: a postpaid account's own credit limit, in
-- the account's currency and whole minor units; NULL takes the limit of
-- the configuration's policy for the account's currency.
ALTER TABLE accounts ADD COLUMN credit_limit numeric
    CHECK (credit_limit IS NULL OR (credit_limit >= 0 AND credit_limit = trunc(credit_limit, 4)));

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (11, 'account_credit_limit');
