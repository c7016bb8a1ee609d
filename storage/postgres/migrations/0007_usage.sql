-- +goose Up
-- 0007 usage: metered usage events, one row per (account, event id).
--
-- The primary key starts with account_id like every tenant table (see
-- 0005), and it is also the idempotency claim: Usage.Insert writes with
-- ON CONFLICT (account_id, id) DO NOTHING, so an id is claimed by the very
-- row it stores, in the writer's transaction, and a rolled-back write
-- leaves it unclaimed.
--
-- There is no foreign key to accounts or resources: the caller checks the
-- resource's owner once per batch, and a per-row key check would cost
-- ingestion a lookup for each of the thousand rows of a batch.
--
-- quantity is NUMERIC without a scale so every digit sent is kept.
CREATE TABLE usage_events (
    account_id  text        NOT NULL,
    id          text        NOT NULL,
    resource_id text        NOT NULL,
    metric      text        NOT NULL,
    quantity    numeric     NOT NULL,
    value       text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    CONSTRAINT usage_events_pkey PRIMARY KEY (account_id, id)
);

-- Aggregation reads one tenant's events of a period, per resource, in
-- (resource_id, at, id) order, which is also the listing's page order.
CREATE INDEX usage_events_account_resource_at
    ON usage_events (account_id, resource_id, at, id);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (7, 'usage');
