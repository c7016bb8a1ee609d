-- +goose Up
-- 0014 resource name: the host's name for a resource, shown on its invoice
-- lines; rows recorded before it have none.
ALTER TABLE resources ADD COLUMN name text NOT NULL DEFAULT '';

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (14, 'resource_name');
