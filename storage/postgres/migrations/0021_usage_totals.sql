-- +goose Up
-- 0021 usage totals: the sum and count of usage events per account,
-- resource, metric and hour (UTC), kept by the database itself.
--
-- Bounding a month of usage (Usage.Total) summed every event of the month
-- for the resource and metric: a read that grew with the month, the
-- largest part of ingesting a batch for a busy resource. It now sums the
-- month's whole hours here and only the events of a partial first or last
-- hour in usage_events.
--
-- Statement-level triggers with transition tables keep the totals equal to
-- what usage_events holds, whoever writes it — the store's COPY and
-- INSERT, an operator deleting or correcting events to repair a month —
-- at one grouped upsert per statement rather than a trigger call per row.
-- The upsert takes its rows in key order, so two statements adding to the
-- same hours cannot wait on each other in a cycle. A total that deletes
-- bring to zero events stays as a row of zeros.
CREATE TABLE usage_totals (
    account_id  text        NOT NULL,
    resource_id text        NOT NULL,
    metric      text        NOT NULL,
    hour        timestamptz NOT NULL,
    quantity    numeric     NOT NULL,
    events      bigint      NOT NULL,
    CONSTRAINT usage_totals_pkey PRIMARY KEY (account_id, resource_id, metric, hour)
);

-- The function finds usage_totals through the search_path it was created
-- with (the store's schema), whatever the writing session's search_path,
-- and runs in UTC, so that date_trunc('hour', at) is the UTC hour
-- whatever the session's TimeZone (and costs no conversion of its own).
-- The keys are grouped and ordered byte-wise (COLLATE "C", the same
-- equality), cheaper than the database's collation.
-- +goose StatementBegin
CREATE FUNCTION usage_totals_apply() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT SET TimeZone = 'UTC' AS $fn$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM usage_totals;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO usage_totals AS t (account_id, resource_id, metric, hour, quantity, events)
        SELECT account_id COLLATE "C", resource_id COLLATE "C", metric COLLATE "C", date_trunc('hour', at),
               -sum(quantity), -count(*)
        FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (account_id, resource_id, metric, hour)
            DO UPDATE SET quantity = t.quantity + excluded.quantity, events = t.events + excluded.events;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO usage_totals AS t (account_id, resource_id, metric, hour, quantity, events)
        SELECT account_id COLLATE "C", resource_id COLLATE "C", metric COLLATE "C", date_trunc('hour', at),
               sum(quantity), count(*)
        FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (account_id, resource_id, metric, hour)
            DO UPDATE SET quantity = t.quantity + excluded.quantity, events = t.events + excluded.events;
    END IF;
    RETURN NULL;
END
$fn$;
-- +goose StatementEnd

-- No event is written between the backfill and the triggers: writers wait
-- for this migration's transaction.
LOCK TABLE usage_events IN SHARE MODE;

CREATE TRIGGER usage_totals_insert AFTER INSERT ON usage_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE PROCEDURE usage_totals_apply();
CREATE TRIGGER usage_totals_update AFTER UPDATE ON usage_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE PROCEDURE usage_totals_apply();
CREATE TRIGGER usage_totals_delete AFTER DELETE ON usage_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE PROCEDURE usage_totals_apply();
CREATE TRIGGER usage_totals_truncate AFTER TRUNCATE ON usage_events
    FOR EACH STATEMENT EXECUTE PROCEDURE usage_totals_apply();

INSERT INTO usage_totals (account_id, resource_id, metric, hour, quantity, events)
SELECT account_id, resource_id, metric, date_trunc('hour', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum(quantity), count(*)
FROM usage_events GROUP BY 1, 2, 3, 4;

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (21, 'usage_totals');
