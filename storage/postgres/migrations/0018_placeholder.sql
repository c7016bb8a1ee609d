-- placeholder for the merge: another branch owns 0018 (not committed)
SELECT 1;
