package money

import (
	"math"
	"math/bits"
)

// The int64 fast path. Almost every amount a billing system handles is a
// coefficient that fits in an int64 (any VND price, any USD total below 92
// quadrillion dollars), and doing its arithmetic on machine integers avoids
// the big.Int allocations of the decimal path. Every helper here reports
// whether its result is exact; when it is not (an overflow, an exponent gap
// too wide to align), the caller falls back to the decimal path in
// decpath.go, which gives the same value for every input. The property tests
// in fast_internal_test.go compare the two paths.

// maxPow10 is the largest k with 10^k in an int64.
const maxPow10 = 18

// pow10Int64 returns 10^k for 0 <= k <= maxPow10. A loop rather than a
// table, so that the package keeps no variables; it is at most 18
// multiplications.
func pow10Int64(k int64) int64 {
	p := int64(1)
	for range k {
		p *= 10
	}
	return p
}

// add64 returns x+y and whether it did not overflow.
func add64(x, y int64) (int64, bool) {
	s := x + y
	// Overflow happened exactly when both operands have the sign the sum lacks.
	return s, (x^s)&(y^s) >= 0
}

// sub64 returns x−y and whether it did not overflow.
func sub64(x, y int64) (int64, bool) {
	d := x - y
	// Overflow happened exactly when the operands differ in sign and the
	// difference does not have x's sign.
	return d, (x^y)&(x^d) >= 0
}

// abs64 returns |x| as a uint64, which holds |math.MinInt64| too.
func abs64(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// signed returns ±m and whether it fits in an int64.
func signed(m uint64, neg bool) (int64, bool) {
	if neg {
		if m > 1<<63 {
			return 0, false
		}
		return -int64(m), true // m == 1<<63 wraps to math.MinInt64, which is right
	}
	if m > math.MaxInt64 {
		return 0, false
	}
	return int64(m), true
}

// mul64 returns x×y and whether it did not overflow.
func mul64(x, y int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(x), abs64(y))
	if hi != 0 {
		return 0, false
	}
	return signed(lo, (x < 0) != (y < 0))
}

// mulPow10 returns x×10^k for k >= 0 and whether it did not overflow.
func mulPow10(x int64, k int64) (int64, bool) {
	if x == 0 {
		return 0, true
	}
	if k > maxPow10 {
		return 0, false
	}
	return mul64(x, pow10Int64(k))
}

// align returns the coefficients of x×10^ex and y×10^ey rescaled to the
// smaller exponent, which the decimal path uses for sums and comparisons,
// and whether both fit in an int64.
func align(x int64, ex int32, y int64, ey int32) (int64, int64, int32, bool) {
	switch {
	case ex == ey:
		return x, y, ex, true
	case ex > ey:
		x, ok := mulPow10(x, int64(ex)-int64(ey))
		return x, y, ey, ok
	default:
		y, ok := mulPow10(y, int64(ey)-int64(ex))
		return x, y, ex, ok
	}
}

// roundQuo64 returns num÷den rounded to an integer with mode, by the rule of
// roundQuo, and whether it fits in an int64. den must not be zero.
func roundQuo64(num, den int64, mode RoundingMode) (int64, bool) {
	un, ud := abs64(num), abs64(den)
	return roundMag(un/ud, un%ud, ud, (num < 0) != (den < 0), mode)
}

// roundMag rounds the magnitude q + r/d (r < d) with mode and gives it the
// sign neg; it is the tie rule of roundQuo on magnitudes.
func roundMag(q, r, d uint64, neg bool, mode RoundingMode) (int64, bool) {
	if r != 0 && awayFrom(q, r, d, mode) {
		q++
		if q == 0 { // wrapped: no int64 holds it
			return 0, false
		}
	}
	return signed(q, neg)
}

// awayFrom reports whether a non-zero remainder r of d moves the truncated
// magnitude q one unit away from zero under mode.
func awayFrom(q, r, d uint64, mode RoundingMode) bool {
	switch mode {
	case Down:
		return false
	case Up:
		return true
	}
	// HalfUp, HalfEven, and undefined modes as HalfUp. Compare r with
	// d−r rather than 2r with d, which could overflow.
	other := d - r
	return r > other || (r == other && (mode != HalfEven || q&1 == 1))
}
