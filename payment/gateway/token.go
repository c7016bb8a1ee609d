package gateway

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
)

// redacted is what every printed, logged or marshalled Token shows instead
// of its value.
const redacted = "[REDACTED]"

// Token is a linked account's credential at a provider: whoever holds it can
// charge the account. Build one with NewToken; its zero value is the empty
// token. Every way of printing it hides the value: String, GoString, every
// fmt verb (Format), encoding/json and encoding.TextMarshaler, and log/slog
// (LogValue) all show "[REDACTED]", or "" when the token is empty. Reveal is
// the one way to the raw value, so a search for Reveal finds every place a
// token leaves the program.
//
// The value is held by a closure, not a string field, so that paths which
// skip the methods find nothing to show either: fmt printing a Token held in
// an unexported struct field (where it cannot call the methods) and
// reflection-based dumpers print only the closure's address, and
// encoding/json ignores the unexported field. There is no conversion to or
// from string, and a Token is not comparable: == does not compile and a
// Token cannot be a map key (key a map by an id, not by the credential).
// Compare tokens with Equal, which go-cmp also uses; reflect.DeepEqual
// (and so testify's assert.Equal) reports two non-empty tokens unequal even
// when they hold the same value.
type Token struct {
	// raw returns the token; nil means the empty token.
	raw func() string
}

// NewToken returns a Token holding raw, for adapters building one from the
// provider's answer; NewToken("") is the empty token. It never fails:
// whether raw is acceptable (length, characters) is checked where a token is
// used, by ChargeRequest.Validate and the callback format, which report the
// field without its value.
func NewToken(raw string) Token {
	if raw == "" {
		return Token{}
	}
	return Token{raw: func() string { return raw }}
}

// Reveal returns the raw token, for sending it to the provider or storing it
// (encrypted) in the host's store; "" for the empty token. Never log the
// result.
func (t Token) Reveal() string {
	if t.raw == nil {
		return ""
	}
	return t.raw()
}

// IsZero reports whether t is empty (no token).
func (t Token) IsZero() bool { return t.raw == nil }

// Equal reports whether t and u hold the same value; two empty tokens are
// equal. It compares in constant time for tokens of equal length, so timing
// does not reveal how much of a guessed token is right.
func (t Token) Equal(u Token) bool {
	return subtle.ConstantTimeCompare([]byte(t.Reveal()), []byte(u.Reveal())) == 1
}

// String returns "[REDACTED]", or "" for the empty token, so that whether a
// token is present stays visible while its value does not.
func (t Token) String() string {
	if t.IsZero() {
		return ""
	}
	return redacted
}

// GoString returns Go syntax for a redacted token, used by %#v.
func (t Token) GoString() string { return fmt.Sprintf("gateway.Token(%q)", t.String()) }

// Format implements fmt.Formatter so that every verb, flag and width prints
// the redacted form: %v %s %q %x and %+v print String's text, %#v prints
// GoString's.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, t.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), t.String())
}

// MarshalJSON encodes the redacted form as a JSON string; the raw token
// never reaches JSON by accident. EncodeEvent writes the raw token
// deliberately for the callback wire format.
func (t Token) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// MarshalText returns the redacted form, for encoders that use
// encoding.TextMarshaler (XML, slog's text handler).
func (t Token) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// LogValue implements slog.LogValuer so that a Token logged with slog.Any,
// directly or inside a struct a handler resolves, shows the redacted form.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }
