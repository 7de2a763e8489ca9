-- A bulk import runs every row in one transaction, each row behind a savepoint so that one refused row does not
-- abort the others' checks (the preview lists every row's errors).

-- name: savepoint
SAVEPOINT bulk_row;

-- name: release
RELEASE SAVEPOINT bulk_row;

-- name: rollbackRow
ROLLBACK TO SAVEPOINT bulk_row;
