package core

import (
	"strings"
	"unicode/utf8"
)

// clipText shortens s to at most n bytes without splitting a rune (and
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
