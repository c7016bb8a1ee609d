package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// String formats a as "<number> <code>": "181000 VND", "12.50 USD",
// "7.7 VND", "-0.125 USD". The number is plain decimal (never exponent
// notation) with at least the currency's digits and more only when the value
// has more non-zero digits, so equal amounts always print the same
// (1.5 USD and 1.500 USD both print "1.50 USD"). The zero Amount prints "".
func (a Amount) String() string {
	if a.cur.IsZero() && a.n.IsZero() {
		return ""
	}
	return formatNumber(a) + " " + a.cur.code
}

// formatNumber writes a's number in plain notation without relying on
// shopspring's package-level formatting switches.
func formatNumber(a Amount) string {
	coef := a.n.Coefficient()
	neg := coef.Sign() < 0
	digits := coef.Abs(coef).String()
	exp := int(a.n.Exponent())

	var intPart, frac string
	if exp >= 0 {
		if digits == "0" {
			intPart = "0"
		} else {
			intPart = digits + strings.Repeat("0", exp)
		}
	} else {
		fracLen := -exp
		if len(digits) <= fracLen {
			digits = strings.Repeat("0", fracLen-len(digits)+1) + digits
		}
		intPart = digits[:len(digits)-fracLen]
		frac = strings.TrimRight(digits[len(digits)-fracLen:], "0")
	}
	if pad := int(a.cur.digits) - len(frac); pad > 0 {
		frac += strings.Repeat("0", pad)
	}

	var b strings.Builder
	b.Grow(len(intPart) + len(frac) + 2)
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(intPart)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// MarshalText returns String's text. It refuses, with an error matching
// ErrInvalidAmount, an amount whose number New would not read back (more than
// 40 significant digits or 64 characters, as a long exact product can have),
// so that nothing is ever written that cannot be read; round such an amount
// with RoundTo first.
func (a Amount) MarshalText() ([]byte, error) {
	if a.cur.IsZero() && a.n.IsZero() {
		return []byte{}, nil
	}
	number := formatNumber(a)
	if _, err := parseNumber(number); err != nil {
		return nil, fmt.Errorf("%w: %s %s cannot be read back (%s); round it first",
			ErrInvalidAmount, clip(number), a.cur.code, reasonOf(err))
	}
	return []byte(number + " " + a.cur.code), nil
}

// reasonOf returns a *ParseError's reason, or the error text.
func reasonOf(err error) string {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return err.Error()
}

// UnmarshalText sets a from text in String's format (see Parse); empty text
// sets the zero Amount. On error a is left unchanged.
func (a *Amount) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalJSON encodes a as a JSON string, never a JSON number, so that no
// decoder can turn it into a float: "181000 VND", "12.50 USD", and "" for the
// zero Amount. It fails exactly when MarshalText does; UnmarshalJSON reads
// every string it writes back to an equal Amount.
func (a Amount) MarshalJSON() ([]byte, error) {
	text, err := a.MarshalText()
	if err != nil {
		return nil, err
	}
	return json.Marshal(string(text))
}

// UnmarshalJSON accepts a JSON string in String's format ("" is the zero
// Amount) and ignores JSON null, as encoding/json does for other types. A JSON
// number or any other value is a *ParseError, because a bare number has no
// currency and may already have passed through a float. On error a is left
// unchanged.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &ParseError{Input: string(b), Reason: "want a JSON string such as \"12.50 USD\""}
	}
	return a.UnmarshalText([]byte(s))
}
