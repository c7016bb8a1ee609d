-- 0017 is reserved for the e-invoice issuance migration, merged from
-- another branch; this placeholder keeps the versions gapless until then
-- and is replaced by that file at merge.
SELECT 1;
