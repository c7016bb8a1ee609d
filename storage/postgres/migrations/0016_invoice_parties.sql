-- 0016 invoice parties: the seller's and the buyer's legal details as the
-- document was issued with them (invoice.Party as JSON); NULL on documents
-- issued without them, and on every document stored before this
-- migration.
ALTER TABLE {{schema}}.invoices
    ADD COLUMN seller jsonb CHECK (seller IS NULL OR jsonb_typeof(seller) = 'object'),
    ADD COLUMN buyer jsonb CHECK (buyer IS NULL OR jsonb_typeof(buyer) = 'object');
