package payment

import (
	"unicode"
	"unicode/utf8"
)

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
