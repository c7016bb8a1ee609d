package gateway

import (
	"strconv"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing/money"
)

// firstError returns the first non-nil error, so that Validate reports the
// first broken rule in field order.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkID requires a non-empty id of at most MaxIDLen bytes.
func checkID(field, s string) error {
	if reason := idProblem(s); reason != "" {
		return &RequestError{Field: field, Reason: reason}
	}
	return nil
}

// checkText allows empty text of at most MaxTextLen bytes.
func checkText(field, s string) error {
	if reason := textProblem(s); reason != "" {
		return &RequestError{Field: field, Reason: reason}
	}
	return nil
}

// checkAmount requires a positive amount of whole minor units.
func checkAmount(field string, a money.Amount) error {
	if reason := amountProblem(a); reason != "" {
		return &RequestError{Field: field, Reason: reason}
	}
	return nil
}

// idProblem says what is wrong with an id, reference or token, or "".
func idProblem(s string) string {
	if s == "" {
		return "is empty"
	}
	if len(s) > MaxIDLen {
		return "is longer than " + strconv.Itoa(MaxIDLen) + " bytes"
	}
	return charsProblem(s)
}

// textProblem says what is wrong with optional free text, or "".
func textProblem(s string) string {
	if len(s) > MaxTextLen {
		return "is longer than " + strconv.Itoa(MaxTextLen) + " bytes"
	}
	return charsProblem(s)
}

// charsProblem refuses invalid UTF-8 and control characters, which would
// let a value forge log lines or break a provider's form encoding.
func charsProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "contains a control character"
		}
	}
	return ""
}

// amountProblem requires a positive amount of whole minor units, or says
// why not: providers move whole minor units only, and a zero or negative
// payment is a bug.
func amountProblem(a money.Amount) string {
	switch {
	case a.Currency().IsZero():
		return "is missing"
	case !a.IsPositive():
		return "is not positive"
	case !a.IsRounded():
		return "is not whole minor units of its currency"
	}
	return ""
}
