package vnpay

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// redacted is what a printed, logged or marshalled Secret shows.
const redacted = "[REDACTED]"

// Secret is the merchant's hash secret (VNPay's vnp_HashSecret): whoever
// holds it can sign payment URLs and forge IPNs. It is a string type so a
// literal or an environment variable converts with Secret(s), but every
// way of printing it hides the value: String, GoString, every fmt verb
// (Format), encoding/json, encoding.TextMarshaler and log/slog (LogValue)
// show "[REDACTED]", or "" when it is empty, so a Config printed or logged
// whole never leaks it. string(s) is the one deliberate way back.
type Secret string

// String returns "[REDACTED]", or "" for the empty secret, so that whether a
// secret is configured stays visible while its value does not.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns Go syntax for a redacted secret, used by %#v.
func (s Secret) GoString() string { return fmt.Sprintf("vnpay.Secret(%q)", s.String()) }

// Format implements fmt.Formatter so that every verb prints the redacted
// form: %#v prints GoString's text, every other verb String's.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
}

// MarshalJSON encodes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText returns the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue implements slog.LogValuer with the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
