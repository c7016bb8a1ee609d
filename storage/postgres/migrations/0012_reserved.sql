-- 0012 reserved: a no-op placeholder for the migration another branch of
-- issue 20 adds as 0012 (versions must run without gaps). Delete this file
-- when that branch is merged.
SELECT 1;
