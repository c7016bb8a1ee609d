-- +goose Up
-- 0006 typed records: resources, orders, invoices and actions keep their
-- fields in columns of their own instead of one opaque JSON document, and
-- coupon definitions become JSONB. Scalars (states, amounts, times, counts,
-- terms) get real columns; only genuinely nested values stay documents
-- (JSONB): a configuration's components, a quote and its lines, an
-- invoice's lines, a resource's paid-value segments, an order's items and
-- targets, a coupon definition.
--
-- Existing rows are converted from the JSON the earlier build wrote, then
-- the opaque columns are dropped. Amounts were written as "181000 VND"
-- strings ("" for none): the number goes to a NUMERIC column, the code to
-- the row's currency column. The zero time was written as
-- 0001-01-01T00:00:00Z and becomes NULL, as the store writes it now.

CREATE FUNCTION cloudbill_0006_amount(s text) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT NULLIF(split_part(coalesce(s, ''), ' ', 1), '')::numeric $$;
CREATE FUNCTION cloudbill_0006_currency(s text) RETURNS char(3)
    LANGUAGE sql IMMUTABLE AS $$ SELECT NULLIF(split_part(coalesce(s, ''), ' ', 2), '')::char(3) $$;
CREATE FUNCTION cloudbill_0006_time(s text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN s IS NULL OR s LIKE '0001-01-01%' THEN NULL ELSE s::timestamptz END $$;

ALTER TABLE resources
    ADD COLUMN configuration     jsonb       NOT NULL DEFAULT '{}',
    ADD COLUMN term_months       integer     NOT NULL DEFAULT 0,
    ADD COLUMN term_days         integer     NOT NULL DEFAULT 0,
    ADD COLUMN currency          char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN price_per_30_days numeric,
    ADD COLUMN line              jsonb       NOT NULL DEFAULT '{}',
    ADD COLUMN coupon_shares     jsonb,
    ADD COLUMN payment_id        text        NOT NULL DEFAULT '',
    ADD COLUMN auto_renew        boolean     NOT NULL DEFAULT false,
    ADD COLUMN auto_renew_months integer     NOT NULL DEFAULT 0,
    ADD COLUMN auto_renew_days   integer     NOT NULL DEFAULT 0,
    ADD COLUMN since             timestamptz,
    ADD COLUMN next_reminder     integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt      integer     NOT NULL DEFAULT 0,
    ADD COLUMN invoice_ids       text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN failure_reason    text        NOT NULL DEFAULT '',
    ADD COLUMN paid_value        jsonb,
    ADD COLUMN value_tracked     boolean     NOT NULL DEFAULT false,
    ADD COLUMN tick_attempts     integer     NOT NULL DEFAULT 0 CHECK (tick_attempts >= 0),
    ADD COLUMN tick_error        text        NOT NULL DEFAULT '',
    ADD COLUMN tick_retry_at     timestamptz,
    -- The billing anchor, new with this version: NULL (none) for resources
    -- bought before, whose renewals count from their current end.
    ADD COLUMN anchor            timestamptz;

UPDATE resources r SET
    configuration     = coalesce(d.j->'configuration', '{}'),
    term_months       = coalesce((d.j->'term'->>'Months')::integer, 0),
    term_days         = coalesce((d.j->'term'->>'Days')::integer, 0),
    currency          = cloudbill_0006_currency(d.j->>'price_per_30_days'),
    price_per_30_days = cloudbill_0006_amount(d.j->>'price_per_30_days'),
    line              = coalesce(d.j->'line', '{}'),
    coupon_shares     = NULLIF(d.j->'coupon_shares', 'null'),
    payment_id        = coalesce(d.j->>'payment_id', ''),
    auto_renew        = coalesce((d.j->>'auto_renew')::boolean, false),
    auto_renew_months = coalesce((d.j->'auto_renew_term'->>'Months')::integer, 0),
    auto_renew_days   = coalesce((d.j->'auto_renew_term'->>'Days')::integer, 0),
    since             = cloudbill_0006_time(d.j->>'since'),
    next_reminder     = coalesce((d.j->>'next_reminder')::integer, 0),
    next_attempt      = coalesce((d.j->>'next_attempt')::integer, 0),
    invoice_ids       = ARRAY(SELECT jsonb_array_elements_text(coalesce(NULLIF(d.j->'invoice_ids', 'null'), '[]'))),
    failure_reason    = coalesce(d.j->>'failure_reason', ''),
    paid_value        = NULLIF(d.j->'value', 'null'),
    value_tracked     = coalesce((d.j->>'value_tracked')::boolean, false),
    tick_attempts     = coalesce((d.j->>'tick_attempts')::integer, 0),
    tick_error        = coalesce(d.j->>'tick_error', ''),
    tick_retry_at     = cloudbill_0006_time(d.j->>'tick_retry_at')
FROM (SELECT account_id, id, convert_from(data, 'UTF8')::jsonb AS j FROM resources WHERE data IS NOT NULL) d
WHERE r.account_id = d.account_id AND r.id = d.id;

ALTER TABLE resources DROP COLUMN data;

ALTER TABLE orders
    ADD COLUMN kind    text   NOT NULL DEFAULT '',
    ADD COLUMN actor   text   NOT NULL DEFAULT '',
    ADD COLUMN coupons text[] NOT NULL DEFAULT '{}',
    ADD COLUMN items   jsonb  NOT NULL DEFAULT '[]',
    ADD COLUMN targets jsonb  NOT NULL DEFAULT '[]',
    ADD COLUMN quote   jsonb  NOT NULL DEFAULT '{}';

UPDATE orders o SET
    kind    = coalesce(d.j->>'kind', ''),
    actor   = coalesce(d.j->>'actor', ''),
    coupons = ARRAY(SELECT jsonb_array_elements_text(coalesce(NULLIF(d.j->'coupons', 'null'), '[]'))),
    items   = coalesce(NULLIF(d.j->'items', 'null'), '[]'),
    targets = coalesce(NULLIF(d.j->'targets', 'null'), '[]'),
    quote   = coalesce(d.j->'quote', '{}')
FROM (SELECT account_id, id, convert_from(data, 'UTF8')::jsonb AS j FROM orders WHERE data IS NOT NULL) d
WHERE o.account_id = d.account_id AND o.id = d.id;

ALTER TABLE orders DROP COLUMN data;

ALTER TABLE invoices
    ADD COLUMN tax_mode            text        NOT NULL DEFAULT '',
    ADD COLUMN subtotal            numeric,
    ADD COLUMN discount            numeric,
    ADD COLUMN net                 numeric,
    ADD COLUMN tax                 numeric,
    ADD COLUMN amount_paid         numeric,
    ADD COLUMN amount_credited     numeric,
    ADD COLUMN lines               jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN due_at              timestamptz,
    ADD COLUMN paid_at             timestamptz,
    ADD COLUMN voided_at           timestamptz,
    ADD COLUMN void_reason         text        NOT NULL DEFAULT '',
    ADD COLUMN credited_invoice_id text        NOT NULL DEFAULT '',
    ADD COLUMN memo                text        NOT NULL DEFAULT '';

UPDATE invoices i SET
    currency            = coalesce(i.currency, NULLIF(d.j->>'currency', '')::char(3)),
    tax_mode            = coalesce(d.j->>'tax_mode', ''),
    subtotal            = cloudbill_0006_amount(d.j->>'subtotal'),
    discount            = cloudbill_0006_amount(d.j->>'discount'),
    net                 = cloudbill_0006_amount(d.j->>'net'),
    tax                 = cloudbill_0006_amount(d.j->>'tax'),
    amount_paid         = cloudbill_0006_amount(d.j->>'amount_paid'),
    amount_credited     = cloudbill_0006_amount(d.j->>'amount_credited'),
    lines               = coalesce(NULLIF(d.j->'lines', 'null'), '[]'),
    due_at              = cloudbill_0006_time(d.j->>'due_at'),
    paid_at             = cloudbill_0006_time(d.j->>'paid_at'),
    voided_at           = cloudbill_0006_time(d.j->>'voided_at'),
    void_reason         = coalesce(d.j->>'void_reason', ''),
    credited_invoice_id = coalesce(d.j->>'credited_invoice_id', ''),
    memo                = coalesce(d.j->>'memo', '')
FROM (SELECT account_id, id, convert_from(data, 'UTF8')::jsonb AS j FROM invoices WHERE data IS NOT NULL) d
WHERE i.account_id = d.account_id AND i.id = d.id;

ALTER TABLE invoices DROP COLUMN data,
    ADD CONSTRAINT invoices_amounts_have_currency
    CHECK (currency IS NOT NULL OR num_nulls(subtotal, discount, net, tax, amount_paid, amount_credited) = 6);

-- Actions written before 0006 recorded configurations as the catalog's
-- (keys "Plan" and "Components"); JSON decoding matches keys without
-- regard to case, so they read as the action log's configuration.
ALTER TABLE actions
    ADD COLUMN old_configuration jsonb,
    ADD COLUMN new_configuration jsonb,
    ADD COLUMN old_start         timestamptz,
    ADD COLUMN old_end           timestamptz,
    ADD COLUMN new_start         timestamptz,
    ADD COLUMN new_end           timestamptz,
    ADD COLUMN invoice_id        text NOT NULL DEFAULT '',
    ADD COLUMN note              text NOT NULL DEFAULT '';

UPDATE actions a SET
    old_configuration = NULLIF(d.j->'old_configuration', 'null'),
    new_configuration = NULLIF(d.j->'new_configuration', 'null'),
    old_start         = cloudbill_0006_time(d.j->'old_period'->>'Start'),
    old_end           = cloudbill_0006_time(d.j->'old_period'->>'End'),
    new_start         = cloudbill_0006_time(d.j->'new_period'->>'Start'),
    new_end           = cloudbill_0006_time(d.j->'new_period'->>'End'),
    invoice_id        = coalesce(d.j->>'invoice_id', ''),
    note              = coalesce(d.j->>'note', '')
FROM (SELECT account_id, seq, convert_from(data, 'UTF8')::jsonb AS j FROM actions WHERE data IS NOT NULL) d
WHERE a.account_id = d.account_id AND a.seq = d.seq;

ALTER TABLE actions DROP COLUMN data;

ALTER TABLE coupons
    ALTER COLUMN definition TYPE jsonb USING convert_from(definition, 'UTF8')::jsonb;

DROP FUNCTION cloudbill_0006_amount(text);
DROP FUNCTION cloudbill_0006_currency(text);
DROP FUNCTION cloudbill_0006_time(text);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (6, 'typed_records');
