package money

import (
	"fmt"
	"math"
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
	// The value is coefficient × 10^exp. The coefficient is coef when big is
	// nil and *big otherwise; big is set only for coefficients that do not fit
	// in an int64 (see makeAmount), so every value has one representation per
	// exponent, and it is never changed once the Amount is built.
	coef int64
	big  *big.Int
	exp  int32
	cur  Currency
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
	a, err := parseNumber(number)
	if err != nil {
		return Amount{}, err
	}
	a.cur = cur
	return a, nil
}

// FromMinor returns minor minor units of currency: FromMinor(1250, "USD") is
// 12.50 USD and FromMinor(181000, "VND") is 181000 VND.
func FromMinor(minor int64, currency string) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{coef: minor, exp: -cur.digits, cur: cur}, nil
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
	return fromDecimal(n, cur), nil
}

// Zero returns zero of currency, the starting point of a total.
func Zero(currency string) (Amount, error) {
	cur, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	return Amount{cur: cur}, nil
}

// makeAmount returns c × 10^exp of cur, keeping c only when it does not fit
// in an int64. c must not be used by the caller afterwards.
func makeAmount(c *big.Int, exp int32, cur Currency) Amount {
	if c.IsInt64() {
		return Amount{coef: c.Int64(), exp: exp, cur: cur}
	}
	return Amount{big: c, exp: exp, cur: cur}
}

// fromDecimal returns n of cur; Coefficient is a copy, so nothing is shared
// with n.
func fromDecimal(n decimal.Decimal, cur Currency) Amount {
	if c, ok := smallCoefficient(n); ok {
		return Amount{coef: c, exp: n.Exponent(), cur: cur}
	}
	return makeAmount(n.Coefficient(), n.Exponent(), cur)
}

// smallCoefficient returns d's coefficient when it has at most 18 digits,
// and so fits an int64, without copying it into a new big.Int as
// Coefficient does (NumDigits and CoefficientInt64 read it in place).
func smallCoefficient(d decimal.Decimal) (int64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// dec returns a's value as a decimal.
func (a Amount) dec() decimal.Decimal {
	if a.big == nil {
		return decimal.New(a.coef, a.exp)
	}
	return decimal.NewFromBigInt(a.big, a.exp)
}

// coefficient returns a new big.Int holding a's coefficient, which the
// caller may change.
func (a Amount) coefficient() *big.Int {
	if a.big == nil {
		return big.NewInt(a.coef)
	}
	return new(big.Int).Set(a.big)
}

// small reports whether a's coefficient is held as an int64.
func (a Amount) small() bool { return a.big == nil }

// sign returns -1, 0 or +1 as a is negative, zero or positive.
func (a Amount) sign() int {
	switch {
	case a.big != nil:
		return a.big.Sign()
	case a.coef < 0:
		return -1
	case a.coef > 0:
		return 1
	}
	return 0
}

// Number returns the exact decimal value.
func (a Amount) Number() decimal.Decimal { return a.dec() }

// Currency returns the currency; the zero Amount returns the zero Currency.
func (a Amount) Currency() Currency { return a.cur }

// Add returns a+b. Different currencies give a *CurrencyMismatchError with A
// the receiver's code and B the argument's.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.cur != b.cur {
		return Amount{}, &CurrencyMismatchError{A: a.cur.code, B: b.cur.code}
	}
	return add(a, b), nil
}

// add returns a+b in a's currency: in int64 when both coefficients are
// int64 and neither the alignment nor the sum overflows, else by the
// decimal path. Either way the exponent is the smaller of the two, as
// decimal.Decimal.Add gives.
func add(a, b Amount) Amount {
	if a.small() && b.small() {
		if x, y, e, ok := align(a.coef, a.exp, b.coef, b.exp); ok {
			if s, ok := add64(x, y); ok {
				return Amount{coef: s, exp: e, cur: a.cur}
			}
		}
	}
	return addDec(a, b)
}

// Sub returns a-b. Different currencies give a *CurrencyMismatchError with A
// the receiver's code and B the argument's.
func (a Amount) Sub(b Amount) (Amount, error) {
	if a.cur != b.cur {
		return Amount{}, &CurrencyMismatchError{A: a.cur.code, B: b.cur.code}
	}
	if a.small() && b.small() {
		if x, y, e, ok := align(a.coef, a.exp, b.coef, b.exp); ok {
			if d, ok := sub64(x, y); ok {
				return Amount{coef: d, exp: e, cur: a.cur}, nil
			}
		}
	}
	return subDec(a, b), nil
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
	if f.IsZero() || a.IsZero() {
		return Amount{cur: a.cur}
	}
	e := int64(a.exp) + int64(f.Exponent())
	if e > maxExponent || e < -maxExponent {
		return Amount{}
	}
	if fc, ok := smallCoefficient(f); ok && a.small() {
		if p, ok := mul64(a.coef, fc); ok {
			return Amount{coef: p, exp: int32(e), cur: a.cur}
		}
	}
	fc := f.Coefficient()
	return makeAmount(fc.Mul(fc, a.coefficient()), int32(e), a.cur)
}

// MulInt returns the exact product a×f.
func (a Amount) MulInt(f int64) Amount {
	if a.small() {
		if p, ok := mul64(a.coef, f); ok {
			return Amount{coef: p, exp: a.exp, cur: a.cur}
		}
	}
	return mulIntDec(a, f)
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
	if dc, ok := smallCoefficient(d); ok && a.small() {
		if q, ok := divFast(a, dc, d.Exponent(), places, mode); ok {
			return q, nil
		}
	}
	return divBig(a, d, places, mode)
}

// DivInt returns a÷d rounded to places fractional digits with mode, exactly
// as Div(decimal.NewFromInt(d), places, mode) does, including its errors,
// without building a decimal for the divisor.
func (a Amount) DivInt(d int64, places int32, mode RoundingMode) (Amount, error) {
	if d == 0 || places < -MaxPlaces || places > MaxPlaces || !a.small() {
		return a.Div(decimal.NewFromInt(d), places, mode)
	}
	if q, ok := divFast(a, d, 0, places, mode); ok {
		return q, nil
	}
	return divBig(a, decimal.NewFromInt(d), places, mode)
}

// divFast is Div for an int64 coefficient divided by den × 10^dexp (den not
// zero, places checked), or false when an intermediate leaves int64.
func divFast(a Amount, den int64, dexp int32, places int32, mode RoundingMode) (Amount, bool) {
	if a.coef == 0 {
		return Amount{exp: -places, cur: a.cur}, true
	}
	// As in divBig: the quotient in units of 10^-places is
	// coef×10^k / den with k = exp - dexp + places.
	num := a.coef
	k := int64(a.exp) - int64(dexp) + int64(places)
	var ok bool
	if k >= 0 {
		num, ok = mulPow10(num, k)
	} else {
		den, ok = mulPow10(den, -k)
	}
	if !ok {
		return Amount{}, false
	}
	q, ok := roundQuo64(num, den, mode)
	if !ok {
		return Amount{}, false
	}
	return Amount{coef: q, exp: -places, cur: a.cur}, true
}

// Neg returns -a.
func (a Amount) Neg() Amount {
	if a.small() && a.coef != math.MinInt64 {
		return Amount{coef: -a.coef, exp: a.exp, cur: a.cur}
	}
	c := a.coefficient()
	return makeAmount(c.Neg(c), a.exp, a.cur)
}

// Abs returns |a|.
func (a Amount) Abs() Amount {
	if a.sign() < 0 {
		return a.Neg()
	}
	return a
}

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
// Different currencies give a *CurrencyMismatchError, since ordering them
// would need an exchange rate.
func (a Amount) Cmp(b Amount) (int, error) {
	if a.cur != b.cur {
		return 0, &CurrencyMismatchError{A: a.cur.code, B: b.cur.code}
	}
	return cmpValues(a, b), nil
}

// cmpValues compares the numbers of a and b, ignoring currencies.
func cmpValues(a, b Amount) int {
	if a.small() && b.small() {
		if x, y, _, ok := align(a.coef, a.exp, b.coef, b.exp); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	return a.dec().Cmp(b.dec())
}

// Equal reports whether a and b have the same currency and the same numeric
// value; the scale is ignored, so 1.0 USD equals 1.00 USD. go-cmp uses this
// method, so cmp.Equal and cmp.Diff compare Amounts by value.
func (a Amount) Equal(b Amount) bool {
	return a.cur == b.cur && cmpValues(a, b) == 0
}

// IsZero reports whether a is zero in any currency, including the zero Amount.
func (a Amount) IsZero() bool { return a.sign() == 0 }

// IsPositive reports whether a > 0.
func (a Amount) IsPositive() bool { return a.sign() > 0 }

// IsNegative reports whether a < 0.
func (a Amount) IsNegative() bool { return a.sign() < 0 }

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
	drop := -int64(a.exp) - int64(places) // digits to drop
	if drop <= 0 {
		return a
	}
	if a.small() {
		if q, ok := roundFast(a.coef, drop, mode); ok {
			return Amount{coef: q, exp: -places, cur: a.cur}
		}
	}
	return roundDec(a, places, mode)
}

// roundFast rounds coef to a multiple of 10^drop (drop > 0) with mode and
// returns the multiple's coefficient.
func roundFast(coef int64, drop int64, mode RoundingMode) (int64, bool) {
	if drop <= maxPow10 {
		return roundQuo64(coef, pow10Int64(drop), mode)
	}
	// |coef| <= 2^63 < 10^19 <= 10^drop: the quotient truncates to zero.
	m := abs64(coef)
	if drop == maxPow10+1 {
		const e19 = 10 * 1_000_000_000_000_000_000 // 10^19 fits a uint64
		return roundMag(0, m, e19, coef < 0, mode)
	}
	// 10^drop >= 10^20 > 2m: below half a unit, so only Up leaves zero.
	if m != 0 && mode == Up {
		return signed(1, coef < 0)
	}
	return 0, true
}

// IsRounded reports whether a is a whole number of its currency's minor units,
// that is, has no non-zero digit beyond the currency's digits (12.50 USD and
// 12.500 USD are rounded; 12.505 USD is not).
func (a Amount) IsRounded() bool {
	drop := -int64(a.exp) - int64(a.cur.digits)
	if drop <= 0 || a.IsZero() {
		return true
	}
	if a.small() {
		// A non-zero |coef| < 10^19 cannot end in 19 or more zeros.
		return drop <= maxPow10 && a.coef%pow10Int64(drop) == 0
	}
	return isRoundedBig(a, drop)
}

// MinorUnits returns a as a whole number of minor units: 12.50 USD is 1250,
// 181000 VND is 181000. An amount with more digits than its currency gives
// ErrNotRounded (round it first); one beyond int64 gives ErrOverflow.
func (a Amount) MinorUnits() (int64, error) {
	if m, ok := a.minorFast(); ok {
		return m, nil
	}
	m, err := a.minorBig()
	if err != nil {
		return 0, err
	}
	if !m.IsInt64() {
		return 0, fmt.Errorf("%w: %s is beyond int64 minor units", ErrOverflow, clip(a.String()))
	}
	return m.Int64(), nil
}

// minorFast returns a in minor units when a is rounded and they fit in an
// int64; false sends the caller to minorBig for the answer or the error.
func (a Amount) minorFast() (int64, bool) {
	if !a.small() {
		return 0, false
	}
	shift := int64(a.exp) + int64(a.cur.digits)
	switch {
	case shift > 0:
		return mulPow10(a.coef, shift)
	case shift < 0:
		if a.coef == 0 {
			return 0, true
		}
		if -shift > maxPow10 {
			return 0, false // not rounded: minorBig says so
		}
		p := pow10Int64(-shift)
		if a.coef%p != 0 {
			return 0, false
		}
		return a.coef / p, true
	}
	return a.coef, true
}

// minorBig returns a in minor units as a new big.Int, or ErrNotRounded.
func (a Amount) minorBig() (*big.Int, error) {
	if !a.IsRounded() {
		return nil, fmt.Errorf("%w: %s", ErrNotRounded, clip(a.String()))
	}
	coef := a.coefficient()
	shift := int64(a.exp) + int64(a.cur.digits)
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
	total := Amount{cur: cur}
	for _, x := range amounts {
		if x.cur != cur {
			return Amount{}, &CurrencyMismatchError{A: cur.code, B: x.cur.code}
		}
		total = add(total, x)
	}
	return total, nil
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
