package billing

import (
	"encoding/base32"
	"fmt"
	"io"
	"strings"
)

// idEncoding spells random ids in base32 without padding (lower-cased by
// newID): URL- and log-safe. A function, not a variable, so that the
// package keeps no state.
func idEncoding() *base32.Encoding { return base32.StdEncoding.WithPadding(base32.NoPadding) }

// newID returns prefix + "_" + 80 random bits, e.g. "pay_3k7q…". Ids need
// only be unique, not secret; payment-link tokens use their own, longer
// secret.
func (s *System) newID(prefix string) (string, error) {
	var b [10]byte
	if _, err := io.ReadFull(s.cfg.Random, b[:]); err != nil {
		return "", fmt.Errorf("billing: read random id: %w", err)
	}
	return prefix + "_" + strings.ToLower(idEncoding().EncodeToString(b[:])), nil
}
