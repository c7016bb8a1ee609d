-- +goose Up
-- 0010 usage index: the listing index of usage events without the event id.
--
-- usage_events_account_resource_at was (account_id, resource_id, at, id):
-- the id made every entry unique, so B-tree deduplication never applied
-- and every ingested event added a full entry carrying its id. The index
-- is now (account_id, resource_id, at): events of one resource at one
-- instant share one entry (a posting list of row pointers), each entry is
-- narrower, and ingestion writes less of it. Listing still reads it in
-- (resource_id, at) order; the id, the last key of the listing's order,
-- is sorted among the few events of one instant (an incremental sort) and
-- checked against the page's cursor on the row.
CREATE INDEX usage_events_account_resource_at_0010
    ON usage_events (account_id, resource_id, at);
DROP INDEX usage_events_account_resource_at;
ALTER INDEX usage_events_account_resource_at_0010 RENAME TO usage_events_account_resource_at;

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (10, 'usage_index');
