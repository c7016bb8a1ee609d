package core

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing/billingtype"
)

// OrDefault is s, or def when s is empty.
func OrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Truncate keeps at most n bytes of s, cut at a character boundary, with
// NUL bytes and invalid UTF-8 removed: stores keep text columns as valid
// UTF-8.
func Truncate(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ClipText shortens s to at most n bytes without splitting a rune (and
// with any invalid UTF-8 replaced), so a note the library derives from
// accepted input always fits where it goes.
func ClipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// GatewayText makes text a gateway or its adapter produced — a failure
// reason, an error message — safe to keep as a payment's failure reason
// and a journal-entry memo, whatever the gateway sent: invalid UTF-8
// becomes U+FFFD, control characters become spaces, and the result is
// clipped at a rune boundary to MaxDescriptionBytes (the ledger's memo
// limit). Text the library builds from request fields needs no clipping:
// the limits above leave room for it.
func GatewayText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return ClipText(s, billingtype.MaxDescriptionBytes)
}
