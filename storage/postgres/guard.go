package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// A write checked only by its row count (an insert that skips a taken key,
// an update by key) does not fail on the server when it changes nothing:
// the server would go on with the statements sent after it in the same
// batch, COMMIT included. A held-back write is therefore sent guarded:
// wrapped so that the server itself fails it with division_by_zero when it
// changed fewer rows than it must, which aborts the transaction and makes
// the server skip the rest of the batch. The guard's check then reports
// the write's own error (ErrDuplicate, ErrNotFound).

// codeGuard is the SQLSTATE a guarded write fails with (division_by_zero).
const codeGuard = "22012"

// guardOne wraps a data-modifying statement so that it fails unless it
// changed at least one row.
func guardOne(sql string) string {
	return "WITH w AS (" + returning(sql) + ") SELECT 1 / count(*)::int FROM w"
}

// guardAll wraps a data-modifying statement whose $1 is an array with one
// element per row it must change, so that it fails unless it changed as
// many rows.
func guardAll(sql string) string {
	return "WITH w AS (" + returning(sql) + ") SELECT 1 / (count(*) = cardinality($1::text[]))::int FROM w"
}

// returning gives sql a RETURNING clause if it has none, so that it can
// feed a WITH query.
func returning(sql string) string {
	if strings.Contains(strings.ToUpper(sql), "RETURNING") {
		return sql
	}
	return sql + " RETURNING 1"
}

// guardFailed reports whether err is a guarded write's own failure.
func guardFailed(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeGuard
}

// guardEntry is the ledger's append statement with a sixth column that
// fails unless the entry was inserted (not a taken id, no refused balance).
func guardEntry(sql string) string {
	const last = "SELECT (SELECT seq FROM entry), EXISTS (SELECT 1 FROM dup), r.ledger_account, r.wrong_currency, r.amount_after"
	return strings.Replace(sql, last, last+", 1 / (SELECT count(*)::int FROM entry)", 1)
}
