package money

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

// The decimal path: arbitrary-precision arithmetic through shopspring/decimal
// and math/big. It is the definition of every operation; the int64 fast path
// in fast.go is taken only where it gives the same value, and falls back to
// these functions otherwise.

// addDec returns a+b in a's currency.
func addDec(a, b Amount) Amount { return fromDecimal(a.dec().Add(b.dec()), a.cur) }

// subDec returns a−b in a's currency.
func subDec(a, b Amount) Amount { return fromDecimal(a.dec().Sub(b.dec()), a.cur) }

// mulIntDec returns a×f.
func mulIntDec(a Amount, f int64) Amount {
	return fromDecimal(a.dec().Mul(decimal.NewFromInt(f)), a.cur)
}

// divBig is Div in arbitrary precision; d is not zero and places is checked.
func divBig(a Amount, d decimal.Decimal, places int32, mode RoundingMode) (Amount, error) {
	num, den := a.coefficient(), d.Coefficient()
	if num.Sign() == 0 {
		return Amount{exp: -places, cur: a.cur}, nil
	}
	// a/d = num×10^ea / (den×10^eb), so the quotient in units of 10^-places is
	// num×10^k / den with k = ea - eb + places.
	k := int64(a.exp) - int64(d.Exponent()) + int64(places)
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
		return Amount{coef: q, exp: -places, cur: a.cur}, nil
	default:
		den.Mul(den, pow10(-k))
	}
	return makeAmount(roundQuo(num, den, mode), -places, a.cur), nil
}

// roundDec rounds a to places fractional digits with mode, dropping at
// least one digit.
func roundDec(a Amount, places int32, mode RoundingMode) Amount {
	return fromDecimal(roundDecimal(a.dec(), places, mode), a.cur)
}

// isRoundedBig is IsRounded for a non-zero a that has drop > 0 digits beyond
// its currency's.
func isRoundedBig(a Amount, drop int64) bool {
	coef := a.coefficient()
	if drop > maxDigits(coef) {
		return false // a non-zero number shorter than drop digits cannot end in drop zeros
	}
	return new(big.Int).Rem(coef, pow10(drop)).Sign() == 0
}
