-- 0019 credit reason: a credit note's reason as a code and its words
-- (invoice.CreditReason as JSON), which documents write in the reader's
-- language; NULL on invoices, on notes made without one, and on every
-- document stored before this migration.
ALTER TABLE {{schema}}.invoices
    ADD COLUMN coded_reason jsonb CHECK (coded_reason IS NULL OR jsonb_typeof(coded_reason) = 'object');
