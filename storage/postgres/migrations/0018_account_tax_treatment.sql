-- 0018 account tax treatment: how the account's purchases are taxed
-- (invoice.TaxTreatment): standard, exempt (KCT), zero_rated (0 %,
-- exports) or not_declared (KKKNT); NULL means none chosen (standard).
-- Documents already issued keep the treatment of their lines.
ALTER TABLE {{schema}}.accounts ADD COLUMN tax_treatment text
    CHECK (tax_treatment IS NULL OR tax_treatment IN ('standard', 'exempt', 'zero_rated', 'not_declared'));
