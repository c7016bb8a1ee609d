-- +goose Up
-- 0009 snake_case JSON: the documents kept as JSONB take the keys the
-- library's one JSON shape gives them. Quotes, quote lines, prices, terms,
-- spans and configurations were written with Go field names ("TaxPolicy",
-- "ProductID", {"Months":1,"Days":0}, {"Start":…,"End":…}, "Plan"); they
-- are rewritten to the keys written from now on ("tax_policy",
-- "product_id", {"months":1,"days":0}, {"start":…,"end":…}, "plan"), and
-- the tax mode and price-part kind, written as numbers, become their names
-- ("exclusive"/"inclusive", "plan"/"component").
--
-- The renaming goes through nested objects and arrays (an order's targets
-- hold resize lines, a quote holds lines that hold prices that hold parts)
-- but never into a configuration's components, whose keys are the host's
-- component ids. Only the known field names are renamed, so keys that are
-- already snake_case, and any that are data, are left as they are. Rows
-- without an old key are not touched. Decoding reads both shapes anyway;
-- this makes what is stored one shape again.

-- +goose StatementBegin
CREATE FUNCTION cloudbill_0009_keys(j jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        RETURN (
            SELECT coalesce(jsonb_object_agg(x.k, x.v), '{}'::jsonb)
            FROM (
                SELECT n.k,
                       CASE
                           WHEN n.k = 'components' THEN e.value
                           WHEN n.k = 'mode' AND jsonb_typeof(e.value) = 'number' THEN
                               CASE e.value::text WHEN '0' THEN '"exclusive"'::jsonb WHEN '1' THEN '"inclusive"'::jsonb ELSE e.value END
                           WHEN n.k = 'kind' AND jsonb_typeof(e.value) = 'number' THEN
                               CASE e.value::text WHEN '1' THEN '"plan"'::jsonb WHEN '2' THEN '"component"'::jsonb ELSE e.value END
                           ELSE cloudbill_0009_keys(e.value)
                       END AS v
                FROM jsonb_each(j) AS e
                LEFT JOIN (VALUES
                    ('Currency', 'currency'), ('TaxPolicy', 'tax_policy'), ('Rate', 'rate'), ('Mode', 'mode'),
                    ('Lines', 'lines'), ('Discounts', 'discounts'), ('Subtotal', 'subtotal'), ('Discount', 'discount'),
                    ('Net', 'net'), ('Tax', 'tax'), ('Total', 'total'), ('Item', 'item'), ('ProductID', 'product_id'),
                    ('Configuration', 'configuration'), ('Quantity', 'quantity'), ('Term', 'term'), ('Span', 'span'),
                    ('Minutes', 'minutes'), ('Price', 'price'), ('Base', 'base'), ('TermDiscountRate', 'term_discount_rate'),
                    ('TermDiscount', 'term_discount'), ('Breakdown', 'breakdown'), ('Amount', 'amount'), ('Parts', 'parts'),
                    ('Kind', 'kind'), ('ID', 'id'), ('Name', 'name'), ('Code', 'code'), ('Label', 'label'),
                    ('Requested', 'requested'), ('Applied', 'applied'), ('Months', 'months'), ('Days', 'days'),
                    ('Start', 'start'), ('End', 'end'), ('Plan', 'plan'), ('Components', 'components')
                ) AS m(old, new) ON m.old = e.key
                CROSS JOIN LATERAL (SELECT coalesce(m.new, e.key) AS k) AS n
            ) AS x
        );
    WHEN 'array' THEN
        RETURN (
            SELECT coalesce(jsonb_agg(cloudbill_0009_keys(a.v) ORDER BY a.i), '[]'::jsonb)
            FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, i)
        );
    ELSE
        RETURN j;
    END CASE;
END
$fn$;
-- +goose StatementEnd

-- A document needs rewriting when its text shows a key that starts with a
-- capital letter (jsonb prints every key as "key": ).
UPDATE orders SET
    items   = cloudbill_0009_keys(items),
    targets = cloudbill_0009_keys(targets),
    quote   = cloudbill_0009_keys(quote)
WHERE items::text ~ '"[A-Z][A-Za-z]*": ' OR targets::text ~ '"[A-Z][A-Za-z]*": ' OR quote::text ~ '"[A-Z][A-Za-z]*": ';

UPDATE resources SET
    configuration = cloudbill_0009_keys(configuration),
    line          = cloudbill_0009_keys(line)
WHERE configuration::text ~ '"[A-Z][A-Za-z]*": ' OR line::text ~ '"[A-Z][A-Za-z]*": ';

UPDATE invoices SET
    lines = cloudbill_0009_keys(lines)
WHERE lines::text ~ '"[A-Z][A-Za-z]*": ';

UPDATE actions SET
    old_configuration = cloudbill_0009_keys(old_configuration),
    new_configuration = cloudbill_0009_keys(new_configuration)
WHERE old_configuration::text ~ '"[A-Z][A-Za-z]*": ' OR new_configuration::text ~ '"[A-Z][A-Za-z]*": ';

DROP FUNCTION cloudbill_0009_keys(jsonb);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (9, 'snake_case_json');
