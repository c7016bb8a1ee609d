-- +goose Up
-- 0018 account tax treatment: how the account's purchases are taxed
-- (invoice.TaxTreatment): standard, exempt (KCT), zero_rated (0 %,
-- exports) or not_declared (KKKNT); NULL means none chosen (standard).
-- Documents already issued keep the treatment of their lines.
ALTER TABLE accounts ADD COLUMN tax_treatment text
    CHECK (tax_treatment IS NULL OR tax_treatment IN ('standard', 'exempt', 'zero_rated', 'not_declared'));

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (18, 'account_tax_treatment');
