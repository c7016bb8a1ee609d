package money

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Currency is an ISO 4217 currency: its three-letter code and the number of
// digits of its minor unit (VND 0, USD 2, KWD 3, CLF 4).
//
// A Currency is a small comparable value; two Currencies are == exactly when
// their codes are equal. The zero Currency is not a currency: its Code is ""
// and its Digits 0. It is what the zero Amount carries.
type Currency struct {
	code   string
	digits int32
}

// recordLen is the width of one isoTable record: three letters and one digit.
const recordLen = 4

// LookupCurrency returns the currency with the given upper-case ISO 4217 code.
// Anything else (lower case, surrounding space, withdrawn or unknown codes, the
// metals and units of account that have no minor unit) returns an
// *UnknownCurrencyError, which matches ErrUnknownCurrency. Input is never
// normalised, so a code that is accepted is stored and shown exactly as given.
func LookupCurrency(code string) (Currency, error) {
	if d, ok := lookupDigits(code); ok {
		return Currency{code: isoTable[d-3 : d], digits: int32(isoTable[d] - '0')}, nil
	}
	return Currency{}, &UnknownCurrencyError{Code: code}
}

// lookupDigits binary-searches isoTable for code and returns the offset of the
// code's digit character. The returned code slice points into the constant, so
// a looked-up Currency never keeps the caller's string alive.
func lookupDigits(code string) (int, bool) {
	if len(code) != 3 {
		return 0, false
	}
	lo, hi := 0, len(isoTable)/recordLen
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		rec := isoTable[mid*recordLen : mid*recordLen+3]
		switch {
		case rec == code:
			return mid*recordLen + 3, true
		case rec < code:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// Currencies returns every currency LookupCurrency accepts, sorted by code.
// The slice is freshly allocated on each call, so callers may modify it.
func Currencies() []Currency {
	out := make([]Currency, 0, len(isoTable)/recordLen)
	for i := 0; i+recordLen <= len(isoTable); i += recordLen {
		out = append(out, Currency{code: isoTable[i : i+3], digits: int32(isoTable[i+3] - '0')})
	}
	return out
}

// Code returns the upper-case ISO 4217 code, or "" for the zero Currency.
func (c Currency) Code() string { return c.code }

// Digits returns the number of digits of the minor unit: 0 for VND and JPY,
// 2 for USD, 3 for KWD, 4 for CLF. The zero Currency has 0.
func (c Currency) Digits() int32 { return c.digits }

// String returns the code, so that a Currency prints as "USD".
func (c Currency) String() string { return c.code }

// IsZero reports whether c is the zero Currency (no currency).
func (c Currency) IsZero() bool { return c.code == "" }

// MarshalText returns the ISO code ("VND"), or empty text for the zero
// Currency, so that a Currency is a JSON string and a readable map key.
func (c Currency) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText sets c to the currency with the given ISO code, as
// LookupCurrency reads it; empty text sets the zero Currency. An unknown
// code gives an *UnknownCurrencyError and leaves c unchanged.
func (c *Currency) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*c = Currency{}
		return nil
	}
	cur, err := LookupCurrency(string(text))
	if err != nil {
		return err
	}
	*c = cur
	return nil
}

// UnmarshalJSON accepts the JSON string MarshalText gives ("VND", or "" for
// the zero Currency) and also the empty object {}, which is how a Currency
// was written before it had a text form (its fields are unexported), so that
// such stored documents still decode, to the zero Currency. JSON null leaves
// c unchanged, as encoding/json does for other types. Anything else is an
// error and leaves c unchanged.
func (c *Currency) UnmarshalJSON(b []byte) error {
	// The usual case, a plain code such as "VND", without building strings.
	if len(b) == 2+3 && b[0] == '"' && b[4] == '"' {
		if d, ok := lookupDigits(string(b[1:4])); ok {
			*c = Currency{code: isoTable[d-3 : d], digits: int32(isoTable[d] - '0')}
			return nil
		}
	}
	switch t := bytes.TrimSpace(b); {
	case string(t) == "null":
		return nil
	case len(t) > 0 && t[0] == '{':
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return fmt.Errorf("money: currency: %w", err)
		}
		if len(fields) != 0 {
			return errors.New("money: currency: want a JSON string such as \"VND\" or {}, got an object with fields")
		}
		*c = Currency{}
		return nil
	}
	var code string
	if err := json.Unmarshal(b, &code); err != nil {
		return fmt.Errorf("money: currency: want a JSON string such as \"VND\": %w", err)
	}
	return c.UnmarshalText([]byte(code))
}
