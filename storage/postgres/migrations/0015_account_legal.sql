-- 0015 account legal details: the account holder's legal name, tax code,
-- address and contacts as its documents name the buyer (invoice.Party as
-- JSON); NULL means none given. Documents copy them when issued.
ALTER TABLE {{schema}}.accounts ADD COLUMN legal jsonb
    CHECK (legal IS NULL OR jsonb_typeof(legal) = 'object');
