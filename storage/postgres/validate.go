package postgres

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/storage"
)

// maxAccountIDLen is the contract's limit on storage.Account.ID.
const maxAccountIDLen = 128

// storable reports whether PostgreSQL can hold s in a text column: it must be
// valid UTF-8 without NUL bytes. Checking in Go keeps bad input from aborting
// the caller's transaction, and lets reads of an id that could never have
// been stored answer "not found" without a round trip.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// currencyCode reports whether s has the shape of an ISO 4217 code: three
// upper-case ASCII letters. Whether the code is known is the money package's
// business; the store only keeps the column well formed.
func currencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// possibleKey reports whether s could be a stored id or account id of the
// payment tables (non-empty storable text); lookups of anything else are
// "not found" without a query.
func possibleKey(s string) bool { return s != "" && storable(s) }

// allStorable reports whether every s is storable.
func allStorable(ss ...string) bool {
	for _, s := range ss {
		if !storable(s) {
			return false
		}
	}
	return true
}

// invalid reports a record refused in Go, before it reaches the database.
func invalid(what, reason string) error {
	return fmt.Errorf("postgres: %s: %s: %w", what, reason, storage.ErrInvalidRecord)
}

// notFound reports a missing record, or one of another tenant.
func notFound(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
}

// duplicate reports a key that is already taken.
func duplicate(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, storage.ErrDuplicate)
}
