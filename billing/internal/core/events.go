package core

import (
	"strings"
	"unicode/utf8"
)

// truncate keeps at most n bytes of s, cut at a character boundary, with
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
