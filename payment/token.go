package payment

import (
	"fmt"
	"log/slog"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// MaxTokenLen is the longest gateway token accepted, in bytes. Real tokens
// are tens to hundreds of bytes; the bound keeps hostile input out of
// storage.
const MaxTokenLen = 4096

// redacted is what every printed or encoded form of a Token shows.
const redacted = "[redacted]"

// Token is a gateway's secret for a linked account: whoever has it can
// charge the account. It never shows itself: String, GoString, Format (every
// fmt verb), MarshalText, MarshalJSON and LogValue (log/slog) all give
// "[redacted]", so a Token inside a logged or encoded struct stays secret.
// Only Reveal returns the raw token, for the one call to the gateway that
// needs it.
//
// The secret is held by a closure, which fmt and reflection can only show
// as an address, so even printing a struct that holds a Token in an
// unexported field (where fmt cannot call methods), with any verb, shows no
// part of the token. Tokens do not compile with ==; compare them with
// Equal. The zero Token holds nothing (IsZero).
type Token struct {
	reveal func() string
}

// NewToken wraps raw, which must be 1 to MaxTokenLen bytes of printable
// ASCII without spaces, as gateways issue them; anything else is an error
// matching ErrInvalidToken whose message does not contain raw.
func NewToken(raw string) (Token, error) {
	if raw == "" {
		return Token{}, fmt.Errorf("%w: empty", ErrInvalidToken)
	}
	if len(raw) > MaxTokenLen {
		return Token{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, MaxTokenLen)
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c < '!' || c > '~' {
			return Token{}, fmt.Errorf("%w: a character other than printable ASCII at byte %d", ErrInvalidToken, i)
		}
	}
	return Token{reveal: func() string { return raw }}, nil
}

// Reveal returns the raw token, or "" for the zero Token. Call it only to
// hand the token to its gateway or to the host's secret store.
func (t Token) Reveal() string {
	if t.reveal == nil {
		return ""
	}
	return t.reveal()
}

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return t.reveal == nil }

// Equal reports whether t and u hold the same token.
func (t Token) Equal(u Token) bool { return t.Reveal() == u.Reveal() }

// Mask returns MaskToken of the raw token, for showing the user which
// account is meant.
func (t Token) Mask() string { return MaskToken(t.Reveal()) }

// String returns "[redacted]".
func (t Token) String() string { return redacted }

// GoString returns "payment.Token([redacted])" for %#v.
func (t Token) GoString() string { return "payment.Token(" + redacted + ")" }

// Format writes "[redacted]" for every verb and flag (quoted for %q, as
// GoString for %#v), so no verb such as %x can print the token.
func (t Token) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(t.GoString()))
	case verb == 'q':
		_, _ = f.Write([]byte(strconv.Quote(redacted)))
	default:
		_, _ = f.Write([]byte(redacted))
	}
}

// MarshalText returns "[redacted]"; a Token is never encoded. Store it with
// Reveal in a secret store instead.
func (t Token) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalJSON returns the JSON string "[redacted]".
func (t Token) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// LogValue makes log/slog record "[redacted]" for a Token.
func (t Token) LogValue() slog.Value { return slog.StringValue(redacted) }

// mask is shown in place of the hidden part of a token or number.
const mask = "••••"

// MaskToken returns a display form of a token, card or account number that
// shows at most its last 4 characters: "•••• 4242" for
// "tok_visa_4242424242424242". Values shorter than 8 characters, and values
// whose last 4 characters are not all printable (or not valid UTF-8), show
// the mask "••••" alone, since 4 characters of a short secret are too much
// of it.
func MaskToken(s string) string {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) < 8 {
		return mask
	}
	// Find the start of the last 4 runes.
	i := len(s)
	for n := 0; n < 4; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	tail := s[i:]
	for _, r := range tail {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return mask
		}
	}
	return mask + " " + tail
}
