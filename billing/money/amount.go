package money

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

// Amount is an exact decimal number of a currency, such as 181000 VND or
// 12.50 USD. It is an immutable value: every method returns a new Amount and
// leaves its receiver and arguments unchanged, so Amounts may be copied and
// shared between goroutines freely.
//
// An Amount may carry more fractional digits than its currency has (a unit
// price of 7.7 VND per GB-hour); nothing is rounded unless Round, RoundTo or
// Div is asked to, with an explicit RoundingMode.
//
// The zero value Amount{} means "no amount": IsZero is true, its Currency is
// the zero Currency (code ""), it prints and marshals as "". Arithmetic with it
// and an amount of a real currency fails with a *CurrencyMismatchError, so use
// Zero or Sum to start a total.
type Amount struct {
	n   decimal.Decimal
	cur Currency
}

// maxExponent bounds the decimal exponent of every Amount (|exponent| <= 10000)
// so that aligning two amounts, printing one or converting it to minor units
// can never build a number with billions of digits. Real amounts are
// nowhere near it.
const maxExponent = 10000

// New parses number as an amount of currency. number is plain decimal text:
// an optional '+' or '-', one or more ASCII digits, and optionally a '.' and
// one or more digits ("181000", "-12.345", "+0.5"). Everything else is refused
// with a *ParseError (matching ErrInvalidAmount): the empty string, spaces,
// "NaN", "Inf", hexadecimal, exponents ("1e3"), thousands separators, a bare
// "." or "5.", more than one sign, more than 64 characters, or more than 40
// significant digits. Nothing is trimmed or rounded, so "7.7" VND keeps its
// fraction. An unknown currency gives an *UnknownCurrencyError.
func New(number, currency string) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	n, err := parseNumber(number)
	if err != nil {
		return Amount{}, err
	}
	return Amount{n: n, cur: cur}, nil
}

// FromMinor returns minor minor units of currency: FromMinor(1250, "USD") is
// 12.50 USD and FromMinor(181000, "VND") is 181000 VND.
func FromMinor(minor int64, currency string) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{n: decimal.New(minor, -cur.digits), cur: cur}, nil
}

// FromDecimal returns n of currency exactly, without rounding. A decimal whose
// exponent is outside ±10000 is refused with an error matching
// ErrInvalidAmount: no money value needs it, and it would make later
// arithmetic build enormous numbers.
func FromDecimal(n decimal.Decimal, currency string) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	if e := n.Exponent(); e > maxExponent || e < -maxExponent {
		return Amount{}, fmt.Errorf("%w: exponent %d is outside ±%d", ErrInvalidAmount, e, maxExponent)
	}
	return Amount{n: n, cur: cur}, nil
}

// Zero returns zero of currency, the starting point of a total.
func Zero(currency string) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{n: decimal.New(0, 0), cur: cur}, nil
}

// Number returns the exact decimal value.
func (a Amount) Number() decimal.Decimal { return a.n }

// Currency returns the currency; the zero Amount returns the zero Currency.
func (a Amount) Currency() Currency { return a.cur }

// Add returns a+b. Different currencies give a *CurrencyMismatchError with A
// the receiver's code and B the argument's.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.cur != b.cur {
		return Amount{}, &CurrencyMismatchError{A: a.cur.code, B: b.cur.code}
	}
	return Amount{n: a.n.Add(b.n), cur: a.cur}, nil
}

// Sub returns a-b. Different currencies give a *CurrencyMismatchError with A
// the receiver's code and B the argument's.
func (a Amount) Sub(b Amount) (Amount, error) {
	if a.cur != b.cur {
		return Amount{}, &CurrencyMismatchError{A: a.cur.code, B: b.cur.code}
	}
	return Amount{n: a.n.Sub(b.n), cur: a.cur}, nil
}

// Mul returns the exact, unrounded product a×f in a's currency, for unit price
// × quantity. Round the result explicitly when a payable amount is needed.
//
// Mul cannot fail for any realistic factor. If the product's exponent would
// leave ±10000 (only factors like 1e-9999 do that) the product is not
// representable and Mul returns the zero Amount, whose missing currency makes
// the next Add, Sub or Cmp fail with a *CurrencyMismatchError instead of going
// on with a wrong number.
func (a Amount) Mul(f decimal.Decimal) Amount {
	if f.IsZero() || a.n.IsZero() {
		return Amount{n: decimal.New(0, 0), cur: a.cur}
	}
	e := int64(a.n.Exponent()) + int64(f.Exponent())
	if e > maxExponent || e < -maxExponent {
		return Amount{}
	}
	return Amount{n: a.n.Mul(f), cur: a.cur}
}

// MulInt returns the exact product a×f.
func (a Amount) MulInt(f int64) Amount {
	return Amount{n: a.n.Mul(decimal.NewFromInt(f)), cur: a.cur}
}

// Div returns a÷d rounded to places fractional digits with mode (negative
// places round to tens, hundreds, ...); for example a monthly price ÷ 43200
// minutes at the currency's digits. The quotient is computed exactly before
// the single rounding step, so no precision setting is involved.
// d == 0 gives ErrDivisionByZero; places outside [-MaxPlaces, MaxPlaces] give
// ErrInvalidPlaces; a quotient too large to compute gives ErrOverflow.
// An undefined mode rounds as HalfUp.
func (a Amount) Div(d decimal.Decimal, places int32, mode RoundingMode) (Amount, error) {
	if d.IsZero() {
		return Amount{}, fmt.Errorf("%w: %s ÷ 0", ErrDivisionByZero, clip(a.String()))
	}
	if places < -MaxPlaces || places > MaxPlaces {
		return Amount{}, fmt.Errorf("%w: %d places", ErrInvalidPlaces, places)
	}
	num, den := a.n.Coefficient(), d.Coefficient()
	if num.Sign() == 0 {
		return Amount{n: decimal.New(0, -places), cur: a.cur}, nil
	}
	// a/d = num×10^ea / (den×10^eb), so the quotient in units of 10^-places is
	// num×10^k / den with k = ea - eb + places.
	k := int64(a.n.Exponent()) - int64(d.Exponent()) + int64(places)
	switch {
	case k > 3*maxExponent:
		return Amount{}, fmt.Errorf("%w: %s ÷ %s is too large", ErrOverflow, clip(a.String()), safeDecimal(d))
	case k >= 0:
		num.Mul(num, pow10(k))
	case k+maxDigits(num) < 0:
		// |quotient| < 10^(digits(num)+k) <= 0.1 units: only Up leaves zero.
		q := int64(0)
		if mode == Up {
			q = int64(num.Sign() * den.Sign())
		}
		return Amount{n: decimal.New(q, -places), cur: a.cur}, nil
	default:
		den.Mul(den, pow10(-k))
	}
	return Amount{n: decimal.NewFromBigInt(roundQuo(num, den, mode), -places), cur: a.cur}, nil
}

// Neg returns -a.
func (a Amount) Neg() Amount { return Amount{n: a.n.Neg(), cur: a.cur} }

// Abs returns |a|.
func (a Amount) Abs() Amount { return Amount{n: a.n.Abs(), cur: a.cur} }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
// Different currencies give a *CurrencyMismatchError, since ordering them
// would need an exchange rate.
func (a Amount) Cmp(b Amount) (int, error) {
	if a.cur != b.cur {
		return 0, &CurrencyMismatchError{A: a.cur.code, B: b.cur.code}
	}
	return a.n.Cmp(b.n), nil
}

// Equal reports whether a and b have the same currency and the same numeric
// value; the scale is ignored, so 1.0 USD equals 1.00 USD. go-cmp uses this
// method, so cmp.Equal and cmp.Diff compare Amounts by value.
func (a Amount) Equal(b Amount) bool {
	return a.cur == b.cur && a.n.Equal(b.n)
}

// IsZero reports whether a is zero in any currency, including the zero Amount.
func (a Amount) IsZero() bool { return a.n.IsZero() }

// IsPositive reports whether a > 0.
func (a Amount) IsPositive() bool { return a.n.IsPositive() }

// IsNegative reports whether a < 0.
func (a Amount) IsNegative() bool { return a.n.IsNegative() }

// Round rounds a to its currency's minor digits with mode: 0.125 USD is
// 0.13 with HalfUp and 0.12 with HalfEven; 7.5 VND is 8 with HalfUp.
// An undefined mode rounds as HalfUp.
func (a Amount) Round(mode RoundingMode) Amount {
	return a.RoundTo(a.cur.digits, mode)
}

// RoundTo rounds a to places fractional digits with mode; places may exceed
// the currency's digits (a unit price kept to 4 places) or be negative (-3
// rounds VND to thousands). places below -MaxPlaces round as -MaxPlaces. An
// amount that already has no more digits is returned unchanged.
// An undefined mode rounds as HalfUp.
func (a Amount) RoundTo(places int32, mode RoundingMode) Amount {
	if places < -MaxPlaces {
		places = -MaxPlaces
	}
	return Amount{n: roundDecimal(a.n, places, mode), cur: a.cur}
}

// IsRounded reports whether a is a whole number of its currency's minor units,
// that is, has no non-zero digit beyond the currency's digits (12.50 USD and
// 12.500 USD are rounded; 12.505 USD is not).
func (a Amount) IsRounded() bool {
	drop := -int64(a.n.Exponent()) - int64(a.cur.digits)
	if drop <= 0 {
		return true
	}
	coef := a.n.Coefficient()
	if coef.Sign() == 0 {
		return true
	}
	if drop > maxDigits(coef) {
		return false // a non-zero number shorter than drop digits cannot end in drop zeros
	}
	return new(big.Int).Rem(coef, pow10(drop)).Sign() == 0
}

// MinorUnits returns a as a whole number of minor units: 12.50 USD is 1250,
// 181000 VND is 181000. An amount with more digits than its currency gives
// ErrNotRounded (round it first); one beyond int64 gives ErrOverflow.
func (a Amount) MinorUnits() (int64, error) {
	m, err := a.minorBig()
	if err != nil {
		return 0, err
	}
	if !m.IsInt64() {
		return 0, fmt.Errorf("%w: %s is beyond int64 minor units", ErrOverflow, clip(a.String()))
	}
	return m.Int64(), nil
}

// minorBig returns a in minor units as a new big.Int, or ErrNotRounded.
func (a Amount) minorBig() (*big.Int, error) {
	if !a.IsRounded() {
		return nil, fmt.Errorf("%w: %s", ErrNotRounded, clip(a.String()))
	}
	coef := a.n.Coefficient()
	shift := int64(a.n.Exponent()) + int64(a.cur.digits)
	switch {
	case shift > 0:
		return coef.Mul(coef, pow10(shift)), nil
	case shift < 0:
		return coef.Quo(coef, pow10(-shift)), nil // exact: IsRounded holds
	}
	return coef, nil
}

// Sum returns the total of amounts in currency; the sum of none is zero in
// currency. An amount of another currency (including the zero Amount) gives a
// *CurrencyMismatchError with A the currency asked for and B the amount's.
func Sum(currency string, amounts ...Amount) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	total := decimal.New(0, 0)
	for _, x := range amounts {
		if x.cur != cur {
			return Amount{}, &CurrencyMismatchError{A: cur.code, B: x.cur.code}
		}
		total = total.Add(x.n)
	}
	return Amount{n: total, cur: cur}, nil
}

// safeDecimal formats d for an error message. A caller's decimal may carry an
// exponent like -2147483648, whose plain text would be gigabytes long, so such
// values are shown as coefficient and exponent instead.
func safeDecimal(d decimal.Decimal) string {
	e := d.Exponent()
	switch {
	case e > MaxPlaces || e < -MaxPlaces:
		return fmt.Sprintf("%se%d", d.Coefficient(), e)
	case e < 0:
		return d.StringFixed(-e)
	}
	return d.StringFixed(0)
}
