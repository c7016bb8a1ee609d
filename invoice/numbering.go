package invoice

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Numbering. A document gets its number when it is issued, never before, so
// abandoned drafts leave no holes. Numbers are gapless within a series:
// 1, 2, 3, … with none skipped or used twice.
//
// This package formats and parses numbers; allocating them is the store's
// job, and the contract is: in the same storage transaction that issues the
// document, lock the series' counter row (SELECT … FOR UPDATE, or the
// in-memory store's mutex), read the last number, issue with last + 1, and
// store last + 1 — so a rolled-back issue also rolls back its number, and
// two concurrent issues in one series serialise on the lock and get
// consecutive numbers.

// MaxSeriesLen is the longest series, in bytes.
const MaxSeriesLen = 32

// minNumberDigits is the width numbers are zero-padded to; larger numbers
// simply use more digits.
const minNumberDigits = 6

// Series prefixes used by SeriesFor.
const (
	// InvoicePrefix starts the series of invoices: "INV-2026".
	InvoicePrefix = "INV"
	// CreditNotePrefix starts the series of credit notes: "CN-2026".
	CreditNotePrefix = "CN"
)

// SeriesFor returns the series a document of kind issued at t is numbered
// in: one series per kind and calendar year, the year taken in loc, the
// account's time zone, so a document issued at 2026-01-01 00:30 in
// Asia/Ho_Chi_Minh (still 2025 in UTC) is in "INV-2026". Errors: an
// *ArgumentError for an unknown kind, the zero time, a nil loc, or a year
// outside 1..9999.
func SeriesFor(kind Kind, t time.Time, loc *time.Location) (string, error) {
	var prefix string
	switch kind {
	case KindInvoice:
		prefix = InvoicePrefix
	case KindCreditNote:
		prefix = CreditNotePrefix
	default:
		return "", &ArgumentError{Name: "kind", Reason: fmt.Sprintf("%q is not invoice or credit_note", clip(string(kind)))}
	}
	if err := checkTime("t", t); err != nil {
		return "", err
	}
	if loc == nil {
		// Never guess UTC: the year boundary is the account's midnight.
		return "", &ArgumentError{Name: "loc", Reason: "is nil; pass the account's time zone"}
	}
	y := t.In(loc).Year()
	if y < 1 || y > 9999 {
		return "", &ArgumentError{Name: "t", Reason: fmt.Sprintf("year %d is not in 1..9999", y)}
	}
	return joinPadded(prefix, int64(y), 4), nil
}

// Format returns the display number of document n of series:
// Format("INV-2026", 42) is "INV-2026-000042". Numbers are zero-padded to
// six digits and use more when needed ("INV-2026-1234567"). Errors: a
// *SeriesError for a bad series (see CheckSeries), a *NumberError for
// n < 1.
func Format(series string, n int64) (string, error) {
	if err := CheckSeries(series); err != nil {
		return "", err
	}
	if n < 1 {
		return "", &NumberError{Input: strconv.FormatInt(n, 10), Reason: "must be at least 1"}
	}
	return joinPadded(series, n, minNumberDigits), nil
}

// joinPadded returns prefix, '-' and n (not negative) zero-padded to width
// digits: fmt's "%s-%0*d" without its reflection, in one allocation, for
// every issued document's number.
func joinPadded(prefix string, n int64, width int) string {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], n, 10)
	b := make([]byte, 0, len(prefix)+1+max(width, len(d)))
	b = append(b, prefix...)
	b = append(b, '-')
	for range width - len(d) {
		b = append(b, '0')
	}
	return string(append(b, d...))
}

// ParseNumber splits a display number made by Format into its series and
// number: "INV-2026-000042" is ("INV-2026", 42). It accepts exactly what
// Format produces, so Format(ParseNumber(s)) == s for every accepted s.
// Anything else is a *NumberError (ErrInvalidNumber) saying why: no '-',
// fewer than six digits, a non-digit, extra leading zeros ("INV-2026-0000042"),
// zero, a number beyond int64, a bad series, or more than 64 bytes.
func ParseNumber(s string) (series string, n int64, err error) {
	const maxLen = MaxSeriesLen + 1 + 19 // series, '-', the digits of MaxInt64
	if len(s) > maxLen {
		return "", 0, &NumberError{Input: s, Reason: fmt.Sprintf("is longer than %d bytes", maxLen)}
	}
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return "", 0, &NumberError{Input: s, Reason: "has no '-' between series and number"}
	}
	series, digits := s[:i], s[i+1:]
	if len(digits) < minNumberDigits {
		return "", 0, &NumberError{Input: s, Reason: "number has fewer than 6 digits"}
	}
	for j := 0; j < len(digits); j++ {
		if digits[j] < '0' || digits[j] > '9' {
			return "", 0, &NumberError{Input: s, Reason: "number has a character that is not a digit"}
		}
	}
	if len(digits) > minNumberDigits && digits[0] == '0' {
		return "", 0, &NumberError{Input: s, Reason: "number has leading zeros beyond six digits"}
	}
	n, perr := strconv.ParseInt(digits, 10, 64)
	if perr != nil {
		return "", 0, &NumberError{Input: s, Reason: "number is beyond int64"}
	}
	if n < 1 {
		return "", 0, &NumberError{Input: s, Reason: "number must be at least 1"}
	}
	if p := seriesProblem(series); p != "" {
		return "", 0, &NumberError{Input: s, Reason: "series " + p}
	}
	return series, n, nil
}

// CheckSeries returns a *SeriesError (ErrInvalidSeries) unless series is
// 1 to 32 characters of upper-case ASCII letters, digits and '-', starts
// with a letter, and has no '-' at its end or twice in a row. The rule keeps
// display numbers unambiguous: the number is always after the last '-'.
func CheckSeries(series string) error {
	if p := seriesProblem(series); p != "" {
		return &SeriesError{Series: series, Reason: p}
	}
	return nil
}

// seriesProblem says why series breaks the rule of CheckSeries, or "".
func seriesProblem(series string) string {
	switch {
	case series == "":
		return "is empty"
	case len(series) > MaxSeriesLen:
		return "is longer than 32 bytes"
	case series[0] < 'A' || series[0] > 'Z':
		return "does not start with an upper-case letter"
	case series[len(series)-1] == '-':
		return "ends with '-'"
	case strings.Contains(series, "--"):
		return "has '--'"
	}
	for i := 0; i < len(series); i++ {
		c := series[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
			return "has a character other than A-Z, 0-9 and '-'"
		}
	}
	return ""
}
