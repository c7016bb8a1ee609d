package gateway

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// redacted is what every printed, logged or marshalled Token shows instead
// of its value.
const redacted = "[REDACTED]"

// Token is a linked account's credential at a provider: whoever holds it can
// charge the account. It is a string type so adapters can build one from the
// provider's answer (Token(raw)), but every way of printing it hides the
// value: String, GoString, every fmt verb (Format), encoding/json and
// encoding.TextMarshaler, and log/slog (LogValue) all show "[REDACTED]", or
// "" when the token is empty. Reveal is the way to the raw value, so a
// search for Reveal finds every place a token leaves the program.
//
// Three paths bypass the methods, because Token is a string underneath: a
// conversion string(t); fmt printing a Token held in an unexported struct
// field (reflection cannot call its methods); and encoding/json writing a map
// key of a string type verbatim. Keep tokens in exported fields, never as map
// keys, and convert only through Reveal.
type Token string

// Reveal returns the raw token, for sending it to the provider or storing it
// (encrypted) in the host's store. Never log the result.
func (t Token) Reveal() string { return string(t) }

// IsZero reports whether t is empty (no token).
func (t Token) IsZero() bool { return t == "" }

// String returns "[REDACTED]", or "" for the empty token, so that whether a
// token is present stays visible while its value does not.
func (t Token) String() string {
	if t == "" {
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
