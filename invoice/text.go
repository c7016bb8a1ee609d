package invoice

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on text, so that a hostile or broken caller cannot store megabytes
// in a document or a log line. They are far above any real value.
const (
	// MaxIDLen is the longest id, in bytes.
	MaxIDLen = 128
	// MaxTextLen is the longest description, detail, memo, reason, actor or
	// note, in bytes.
	MaxTextLen = 2000
	// MaxDetails is the most Details one line may carry.
	MaxDetails = 100
)

// idProblem says why id is not usable as an identifier, or "" when it is.
// Ids are opaque, but they appear in logs, URLs and error messages, so
// spaces and control characters are refused.
func idProblem(id string) string {
	switch {
	case id == "":
		return "is empty"
	case len(id) > MaxIDLen:
		return "is longer than 128 bytes"
	case !utf8.ValidString(id):
		return "is not valid UTF-8"
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "contains a space or control character"
		}
	}
	return ""
}

// textProblem says why s is not usable as free text, or "" when it is. When
// required, s must have a non-space character.
func textProblem(s string, required bool) string {
	switch {
	case required && strings.TrimSpace(s) == "":
		return "is empty"
	case len(s) > MaxTextLen:
		return "is longer than 2000 bytes"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	for _, r := range s {
		// Tabs and newlines are fine in a memo; other control characters
		// would corrupt terminals and log lines.
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "contains a control character"
		}
	}
	return ""
}

// checkID returns an *ArgumentError for a bad id named name.
func checkID(name, id string) error {
	if p := idProblem(id); p != "" {
		return &ArgumentError{Name: name, Reason: p}
	}
	return nil
}

// checkText returns an *ArgumentError for bad free text named name.
func checkText(name, s string, required bool) error {
	if p := textProblem(s, required); p != "" {
		return &ArgumentError{Name: name, Reason: p}
	}
	return nil
}

// checkTime returns an *ArgumentError for a zero time named name. Callers
// pass the host clock's reading; the zero time means it was forgotten.
func checkTime(name string, t time.Time) error {
	if t.IsZero() {
		return &ArgumentError{Name: name, Reason: "is the zero time"}
	}
	return nil
}
