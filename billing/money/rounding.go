package money

import (
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"
)

// RoundingMode says how a value that falls between two multiples of the
// rounding unit is resolved. Every mode is symmetric around zero: rounding -x
// gives the negation of rounding x.
type RoundingMode int

const (
	// HalfUp rounds to the nearest unit and a tie (exactly half) away from
	// zero: 2.5 -> 3, -2.5 -> -3, 2.4 -> 2. It is the zero value and the
	// default for billing.
	HalfUp RoundingMode = iota
	// HalfEven rounds to the nearest unit and a tie to the even neighbour
	// (banker's rounding): 2.5 -> 2, 3.5 -> 4, -2.5 -> -2.
	HalfEven
	// Up rounds away from zero whenever anything is dropped: 2.1 -> 3,
	// -2.1 -> -3.
	Up
	// Down rounds toward zero (truncates): 2.9 -> 2, -2.9 -> -2.
	Down
)

// String returns the constant's name ("HalfUp", "HalfEven", "Up", "Down"), or
// "RoundingMode(n)" for a value that is not one of them.
func (m RoundingMode) String() string {
	switch m {
	case HalfUp:
		return "HalfUp"
	case HalfEven:
		return "HalfEven"
	case Up:
		return "Up"
	case Down:
		return "Down"
	}
	return "RoundingMode(" + strconv.Itoa(int(m)) + ")"
}

// Valid reports whether m is one of the defined modes. Operations given an
// undefined mode round as HalfUp, the default.
func (m RoundingMode) Valid() bool { return m >= HalfUp && m <= Down }

// MaxPlaces bounds the decimal places Div accepts and the lowest places RoundTo
// rounds to. It is far beyond any currency (the most is 4) or unit price, and
// keeps a hostile places value from building numbers with billions of digits.
const MaxPlaces = 100

// pow10 returns a new 10^k for k >= 0.
func pow10(k int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil)
}

// maxDigits returns an upper bound on the number of decimal digits of |x|
// (log10(2) < 0.30103), without formatting x.
func maxDigits(x *big.Int) int64 {
	return int64(x.BitLen())*30103/100000 + 1
}

// roundQuo returns num/den rounded to an integer with mode; den must not be
// zero. It is the one rounding rule shared by Round, RoundTo and Div, so that
// dividing and rounding agree on every tie.
func roundQuo(num, den *big.Int, mode RoundingMode) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int)) // q truncated toward zero
	if r.Sign() == 0 {
		return q
	}
	away := false
	switch mode {
	case Down:
	case Up:
		away = true
	default: // HalfUp, HalfEven, and undefined modes as HalfUp
		twice := r.Abs(r).Lsh(r, 1)
		c := twice.CmpAbs(den)
		away = c > 0 || (c == 0 && (mode != HalfEven || q.Bit(0) == 1))
	}
	if !away {
		return q
	}
	if (num.Sign() < 0) != (den.Sign() < 0) {
		return q.Sub(q, big.NewInt(1))
	}
	return q.Add(q, big.NewInt(1))
}

// roundDecimal rounds d to places fractional digits (negative places round to
// tens, hundreds, ...) with mode. A value that already has no more digits is
// returned unchanged, scale included. The work is bounded by the size of d's
// coefficient, whatever its exponent.
func roundDecimal(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	drop := -int64(d.Exponent()) - int64(places) // digits to drop
	if drop <= 0 {
		return d
	}
	coef := d.Coefficient()
	if drop > maxDigits(coef)+1 {
		// |d| < 10^-(places+1): below half a unit, so only Up moves it off zero.
		if mode == Up && coef.Sign() != 0 {
			return decimal.New(int64(coef.Sign()), -places)
		}
		return decimal.New(0, -places)
	}
	return decimal.NewFromBigInt(roundQuo(coef, pow10(drop), mode), -places)
}
