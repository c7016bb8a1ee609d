package core

import (
	"strings"
	"unicode"

	"github.com/cloudbill/cloudbill/billing/billingtype"
)

// gatewayText makes text a gateway or its adapter produced — a failure
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
