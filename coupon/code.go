package coupon

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Lengths of a coupon code, in characters, after trimming.
const (
	// MinCodeLen is the shortest code: shorter ones are too easy to guess.
	MinCodeLen = 3
	// MaxCodeLen is the longest code.
	MaxCodeLen = 64
)

// NormalizeCode returns the normal form of a coupon code as a customer typed
// it: surrounding white space removed and ASCII letters upper-cased, so
// " spring20 " and "SPRING20" are the same code. The result is 3 to 64
// characters of A-Z, 0-9, '_' and '-'. Anything else — an empty or short
// code, inner spaces, punctuation, non-ASCII letters (even ones that
// upper-case to ASCII, such as 'ſ') — is a *CodeError matching
// ErrMalformedCode. NormalizeCode of a normal form returns it unchanged.
func NormalizeCode(s string) (string, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return "", &CodeError{Input: s, Reason: "empty"}
	case len(t) > MaxCodeLen:
		// Bytes, not runes: a longer byte string is either too many
		// characters or contains non-ASCII, malformed either way.
		return "", &CodeError{Input: s, Reason: "longer than " + strconv.Itoa(MaxCodeLen) + " characters"}
	}
	// Check every byte before changing case: strings.ToUpper would turn
	// some non-ASCII letters into ASCII ones and let look-alike codes in.
	for i := 0; i < len(t); i++ {
		if !codeByte(t[i]) {
			r, _ := utf8.DecodeRuneInString(t[i:]) // utf8.RuneError for invalid UTF-8
			return "", &CodeError{Input: s, Reason: "character " + strconv.QuoteRune(r) +
				" at byte " + strconv.Itoa(i) + " is not a letter A-Z, a digit, '_' or '-'"}
		}
	}
	if len(t) < MinCodeLen {
		return "", &CodeError{Input: s, Reason: "shorter than " + strconv.Itoa(MinCodeLen) + " characters"}
	}
	b := []byte(t)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b), nil
}

// codeByte reports whether c may appear in a code before case folding.
func codeByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}
