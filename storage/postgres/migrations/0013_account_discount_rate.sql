-- +goose Up
-- 0013 account discount rate: a postpaid account's contract discount, a
-- fraction in [0, 1]; NULL means none of its own (the product's or plan's
-- postpaid discount applies).
ALTER TABLE accounts ADD COLUMN discount_rate numeric
    CHECK (discount_rate IS NULL OR (discount_rate >= 0 AND discount_rate <= 1 AND discount_rate = trunc(discount_rate, 10)));

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (13, 'account_discount_rate');
