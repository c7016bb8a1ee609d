package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
)

// String formats a as "<number> <code>": "181000 VND", "12.50 USD",
// "7.7 VND", "-0.125 USD". The number is plain decimal (never exponent
// notation) with at least the currency's digits and more only when the value
// has more non-zero digits, so equal amounts always print the same
// (1.5 USD and 1.500 USD both print "1.50 USD"). The zero Amount prints "".
func (a Amount) String() string {
	if a.cur.IsZero() && a.IsZero() {
		return ""
	}
	var buf [48]byte
	return string(a.appendText(buf[:0]))
}

// appendText appends "<number> <code>" to dst.
func (a Amount) appendText(dst []byte) []byte {
	dst = appendNumber(dst, a)
	dst = append(dst, ' ')
	return append(dst, a.cur.code...)
}

// formatNumber returns a's number in plain notation.
func formatNumber(a Amount) string {
	var buf [40]byte
	return string(appendNumber(buf[:0], a))
}

// appendNumber appends a's number in plain notation to dst, without relying
// on shopspring's package-level formatting switches: the coefficient's
// digits, the decimal point placed by the exponent, trailing zeros of the
// fraction dropped and the fraction padded to the currency's digits.
func appendNumber(dst []byte, a Amount) []byte {
	var tmp [24]byte
	var digits []byte
	neg := a.sign() < 0
	if a.small() {
		digits = strconv.AppendUint(tmp[:0], abs64(a.coef), 10)
	} else {
		digits = new(big.Int).Abs(a.big).Append(tmp[:0], 10)
	}
	if neg {
		dst = append(dst, '-')
	}
	exp := int(a.exp)
	fracLen := 0 // fraction digits written
	if exp >= 0 {
		dst = append(dst, digits...)
		if !(len(digits) == 1 && digits[0] == '0') {
			dst = appendZeros(dst, exp)
		}
	} else {
		n := -exp
		var frac []byte
		if len(digits) <= n {
			dst = append(dst, '0')
			frac = digits
		} else {
			dst = append(dst, digits[:len(digits)-n]...)
			frac = digits[len(digits)-n:]
			n = len(frac)
		}
		// The fraction is n digits: n-len(frac) leading zeros, then frac.
		end := len(frac)
		for end > 0 && frac[end-1] == '0' {
			end--
		}
		if end > 0 {
			dst = append(dst, '.')
			dst = appendZeros(dst, n-len(frac))
			dst = append(dst, frac[:end]...)
			fracLen = n - len(frac) + end
		}
	}
	if pad := int(a.cur.digits) - fracLen; pad > 0 {
		if fracLen == 0 {
			dst = append(dst, '.')
		}
		dst = appendZeros(dst, pad)
	}
	return dst
}

// appendZeros appends n zeros to dst.
func appendZeros(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, '0')
	}
	return dst
}

// MarshalText returns String's text. It refuses, with an error matching
// ErrInvalidAmount, an amount whose number New would not read back (more than
// 40 significant digits or 64 characters, as a long exact product can have),
// so that nothing is ever written that cannot be read; round such an amount
// with RoundTo first.
func (a Amount) MarshalText() ([]byte, error) {
	return a.appendTextChecked(nil)
}

// appendTextChecked appends MarshalText's text to dst, or fails as it does.
func (a Amount) appendTextChecked(dst []byte) ([]byte, error) {
	if a.cur.IsZero() && a.IsZero() {
		if dst == nil {
			return []byte{}, nil
		}
		return dst, nil
	}
	start := len(dst)
	dst = appendNumber(dst, a)
	// An int64 coefficient has at most 19 significant digits, so only the
	// length can make such a number unreadable; anything else is checked by
	// reading it back.
	if number := dst[start:]; !a.small() || len(number) > maxNumberLen {
		if _, err := parseNumber(string(number)); err != nil {
			return nil, fmt.Errorf("%w: %s %s cannot be read back (%s); round it first",
				ErrInvalidAmount, clip(string(number)), a.cur.code, reasonOf(err))
		}
	}
	dst = append(dst, ' ')
	return append(dst, a.cur.code...), nil
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
	// The text is digits, '-', '.', one space and an upper-case code, none
	// of which JSON escapes, so quoting it is all encoding/json would do.
	dst := make([]byte, 1, 32)
	dst[0] = '"'
	dst, err := a.appendTextChecked(dst)
	if err != nil {
		return nil, err
	}
	return append(dst, '"'), nil
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
	if s, ok := plainJSONString(b); ok {
		v, err := Parse(s)
		if err != nil {
			return err
		}
		*a = v
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &ParseError{Input: string(b), Reason: "want a JSON string such as \"12.50 USD\""}
	}
	return a.UnmarshalText([]byte(s))
}

// plainJSONString returns the contents of a JSON string literal that has no
// escapes, control characters or non-ASCII bytes, which encoding/json would
// decode to exactly those bytes; anything else is left to encoding/json.
func plainJSONString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	for _, c := range inner {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(inner), true
}
