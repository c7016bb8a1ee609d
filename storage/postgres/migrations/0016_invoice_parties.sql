-- +goose Up
-- 0016 invoice parties: the seller's and the buyer's legal details as the
-- document was issued with them (invoice.Party as JSON); NULL on documents
-- issued without them, and on every document stored before this
-- migration.
ALTER TABLE invoices
    ADD COLUMN seller jsonb CHECK (seller IS NULL OR jsonb_typeof(seller) = 'object'),
    ADD COLUMN buyer jsonb CHECK (buyer IS NULL OR jsonb_typeof(buyer) = 'object');

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (16, 'invoice_parties');
