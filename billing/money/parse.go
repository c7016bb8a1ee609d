package money

import (
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"
)

// Limits on amount text. They are far above any real amount and keep parsing
// cheap and printing bounded: the plain text of an accepted number is never
// longer than its input plus the currency's padding digits, so every amount
// New accepts prints as text that New accepts again.
const (
	maxNumberLen = 64
	maxSigDigits = 40
)

// parseNumber reads the plain decimal grammar documented on New and returns
// the number as an Amount without a currency. It checks every byte itself
// and never hands unvalidated text to a general-purpose parser.
func parseNumber(s string) (Amount, error) {
	if s == "" {
		return Amount{}, &ParseError{Input: s, Reason: "empty"}
	}
	if len(s) > maxNumberLen {
		return Amount{}, &ParseError{Input: s, Reason: fmt.Sprintf("longer than %d characters", maxNumberLen)}
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	if intPart == "" {
		return Amount{}, &ParseError{Input: s, Reason: missingDigitReason(s, i)}
	}
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracPart = s[fracStart:i]
		if fracPart == "" {
			return Amount{}, &ParseError{Input: s, Reason: "no digits after the decimal point"}
		}
	}
	if i < len(s) {
		return Amount{}, &ParseError{Input: s, Reason: unexpectedReason(s, i)}
	}

	// The digits of intPart+fracPart after their leading zeros, counted
	// without building the string.
	lead := len(intPart) - len(strings.TrimLeft(intPart, "0"))
	if lead == len(intPart) {
		lead += len(fracPart) - len(strings.TrimLeft(fracPart, "0"))
	}
	nDigits := len(intPart) + len(fracPart) - lead
	// Zeros ending the fraction only state a scale ("12.50"), so they are not
	// significant; that keeps every printed amount within the limit.
	if sig := nDigits - (len(fracPart) - len(strings.TrimRight(fracPart, "0"))); sig > maxSigDigits {
		return Amount{}, &ParseError{Input: s, Reason: fmt.Sprintf("more than %d significant digits", maxSigDigits)}
	}
	exp := -int32(len(fracPart))
	if nDigits <= 18 { // fits int64 without overflow
		v := int64(0)
		for _, part := range [2]string{intPart, fracPart} {
			for j := 0; j < len(part); j++ {
				v = v*10 + int64(part[j]-'0')
			}
		}
		if neg {
			v = -v
		}
		return Amount{coef: v, exp: exp}, nil
	}
	v, ok := new(big.Int).SetString(intPart+fracPart, 10)
	if !ok { // unreachable: the digits are validated ASCII digits
		return Amount{}, &ParseError{Input: s, Reason: "not a number"}
	}
	if neg {
		v.Neg(v)
	}
	return makeAmount(v, exp, Currency{}), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// missingDigitReason explains why no digit was found at offset i, naming the
// common mistakes (".5", "--1", "NaN") rather than only the character.
func missingDigitReason(s string, i int) string {
	switch {
	case i >= len(s):
		return "no digits"
	case s[i] == '+' || s[i] == '-':
		return "more than one sign"
	case s[i] == '.':
		return "no digits before the decimal point"
	}
	return unexpectedReason(s, i)
}

// unexpectedReason names the offending character and its byte offset.
func unexpectedReason(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	switch {
	case s[i] == 'e' || s[i] == 'E':
		return fmt.Sprintf("exponent notation is not accepted (offset %d)", i)
	case s[i] == ',':
		return fmt.Sprintf("digit separators are not accepted (offset %d)", i)
	case s[i] == '.':
		return fmt.Sprintf("more than one decimal point (offset %d)", i)
	case s[i] == '+' || s[i] == '-':
		return fmt.Sprintf("misplaced sign (offset %d)", i)
	}
	return fmt.Sprintf("unexpected character %q at offset %d", r, i)
}

// Parse reads an amount in the form String produces: the number as accepted by
// New, one space, and the currency code ("12.50 USD", "-7.7 VND"). The empty
// string is the zero Amount. Anything else is a *ParseError or an
// *UnknownCurrencyError.
func Parse(s string) (Amount, error) {
	if s == "" {
		return Amount{}, nil
	}
	number, code, ok := strings.Cut(s, " ")
	if !ok {
		return Amount{}, &ParseError{Input: s, Reason: `want "<number> <currency>"`}
	}
	return New(number, code)
}
