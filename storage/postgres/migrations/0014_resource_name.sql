-- 0014 resource name: the host's name for a resource, shown on its invoice
-- lines; rows recorded before it have none.
ALTER TABLE {{schema}}.resources ADD COLUMN name text NOT NULL DEFAULT '';
