package money

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
