package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cloudbill/cloudbill/storage"
)

// ErrNoPool reports a nil pool passed to New.
var ErrNoPool = errors.New("postgres: nil pool")

// ErrInvalidOption reports an Options field, or a name given to
// ParseIsolation or ParseMigrationLock, that is not one of the documented
// values. Open and New return it wrapped, with the field and value.
var ErrInvalidOption = errors.New("postgres: invalid option")

// SQLSTATE codes the store acts on. Errors are classified by these codes,
// never by message text, which varies with server version and locale.
const (
	codeNotNullViolation     = "23502"
	codeForeignKeyViolation  = "23503"
	codeUniqueViolation      = "23505"
	codeCheckViolation       = "23514"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	classDataException       = "22"
	codeDuplicateSchema      = "42P06"
	codeDuplicateTable       = "42P07"
	codeDuplicateObject      = "42710"
)

// constraintNonNegative is the CHECK on ledger_balances that keeps a
// guarded balance at or above zero (migration 0002). Its violation is
// storage.ErrNegativeBalance, not a generic invalid record.
const constraintNonNegative = "ledger_balances_non_negative"

// kindOf returns the storage sentinel that err stands for, or nil when it
// stands for none of them.
func kindOf(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.ErrNotFound
	}
	if errors.Is(err, pgx.ErrTxClosed) {
		return storage.ErrTxDone
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return nil
	}
	switch code := pgErr.Code; {
	case code == codeCheckViolation && pgErr.ConstraintName == constraintNonNegative:
		return storage.ErrNegativeBalance
	case code == codeUniqueViolation:
		return storage.ErrDuplicate
	case code == codeForeignKeyViolation, code == codeCheckViolation, code == codeNotNullViolation,
		len(code) == 5 && code[:2] == classDataException:
		return storage.ErrInvalidRecord
	}
	return nil
}

// wrapErr prefixes err with the operation and, when it maps to a storage
// sentinel, wraps that sentinel too, so callers can match either the domain
// error (errors.Is) or the driver's cause (errors.As *pgconn.PgError).
func wrapErr(op string, err error) error {
	if kind := kindOf(err); kind != nil {
		return fmt.Errorf("postgres: %s: %w: %w", op, kind, err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// retryCode returns the SQLSTATE of err when it reports a transaction the
// database aborted and that is safe to run again from the start.
func retryCode(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == codeSerializationFailure || pgErr.Code == codeDeadlockDetected) {
		return pgErr.Code, true
	}
	return "", false
}
