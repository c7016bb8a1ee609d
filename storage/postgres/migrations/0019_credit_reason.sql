-- +goose Up
-- 0019 credit reason: a credit note's reason as a code and its words
-- (invoice.CreditReason as JSON), which documents write in the reader's
-- language; NULL on invoices, on notes made without one, and on every
-- document stored before this migration.
ALTER TABLE invoices
    ADD COLUMN coded_reason jsonb CHECK (coded_reason IS NULL OR jsonb_typeof(coded_reason) = 'object');

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (19, 'credit_reason');
