-- placeholder for the merge: another branch owns 0017 (not committed)
SELECT 1;
