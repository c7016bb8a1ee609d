package money

import (
	"fmt"
	"math/big"
	"math/bits"
	"slices"

	"github.com/shopspring/decimal"
)

// Allocate splits a into len(ratios) parts in proportion to ratios, so that
// the parts add up exactly to a. The rule, in minor units of a's currency:
//
//  1. a must be a whole number of minor units, else ErrNotRounded.
//  2. Ratios must be non-negative with a positive sum, else
//     ErrInvalidAllocation (also for no ratios at all).
//  3. Part i first gets floor(|a| × ratio_i ÷ sum) minor units. A negative a
//     is split as |a| and every part negated, so rounding is toward zero and
//     the split of -x mirrors the split of x.
//  4. The leftover minor units (always fewer than the number of parts) go one
//     each to the parts with the largest remainders (|a| × ratio_i mod sum),
//     ties to the lower index. A zero ratio has no remainder, so its part is
//     always zero.
//
// Each part is therefore within one minor unit of its exact share. Examples:
// 150000 VND by 1000000, 500000 is 100000 + 50000; 100 VND by 1, 1, 1 is
// 34 + 33 + 33; 0.05 USD by 3, 7 is 0.02 + 0.03 (exact shares 0.015 and 0.035
// tie on remainder, so the one leftover cent goes to index 0).
func (a Amount) Allocate(ratios ...int64) ([]Amount, error) {
	if len(ratios) == 0 {
		return nil, fmt.Errorf("%w: no ratios", ErrInvalidAllocation)
	}
	sum, fits := uint64(0), true
	for i, r := range ratios {
		if r < 0 {
			return nil, fmt.Errorf("%w: ratio %d is negative (%d)", ErrInvalidAllocation, i, r)
		}
		var carry uint64
		sum, carry = bits.Add64(sum, uint64(r), 0)
		fits = fits && carry == 0
	}
	if fits && sum > 0 {
		if total, ok := a.minorFast(); ok {
			ws := make([]uint64, len(ratios))
			for i, r := range ratios {
				ws[i] = uint64(r)
			}
			return a.fromParts(splitUint64(abs64(total), sum, ws), total < 0), nil
		}
	}
	ws := make([]*big.Int, len(ratios))
	for i, r := range ratios {
		ws[i] = big.NewInt(r)
	}
	return a.allocate(ws)
}

// AllocateWeights splits a in proportion to decimal weights by exactly the
// rule of Allocate (weights 0.7, 0.3 split like ratios 7, 3). Weights must be
// non-negative with a positive sum, and non-zero weights must have exponents
// within ±10000, else ErrInvalidAllocation.
func (a Amount) AllocateWeights(weights ...decimal.Decimal) ([]Amount, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("%w: no weights", ErrInvalidAllocation)
	}
	// Scale all weights to integers at the smallest exponent; ratios are
	// unchanged by a common factor.
	minExp := int32(0)
	for i, w := range weights {
		if w.IsNegative() {
			return nil, fmt.Errorf("%w: weight %d is negative (%s)", ErrInvalidAllocation, i, safeDecimal(w))
		}
		if w.IsZero() {
			continue // its exponent does not matter
		}
		e := w.Exponent()
		if e > maxExponent || e < -maxExponent {
			return nil, fmt.Errorf("%w: weight %d has exponent %d outside ±%d", ErrInvalidAllocation, i, e, maxExponent)
		}
		minExp = min(minExp, e)
	}
	ws := make([]*big.Int, len(weights))
	for i, w := range weights {
		c := w.Coefficient()
		if c.Sign() != 0 {
			if shift := int64(w.Exponent()) - int64(minExp); shift > 0 {
				c.Mul(c, pow10(shift))
			}
		}
		ws[i] = c
	}
	return a.allocate(ws)
}

// allocate applies the Allocate rule to non-negative integer weights.
func (a Amount) allocate(ws []*big.Int) ([]Amount, error) {
	sum := new(big.Int)
	for _, w := range ws {
		sum.Add(sum, w)
	}
	if sum.Sign() <= 0 {
		return nil, fmt.Errorf("%w: ratios sum to zero", ErrInvalidAllocation)
	}
	total, err := a.minorBig()
	if err != nil {
		return nil, err
	}
	neg := total.Sign() < 0
	total.Abs(total)

	if fitsUint64(total, sum) {
		w64 := make([]uint64, len(ws))
		for i, w := range ws {
			w64[i] = w.Uint64() // w <= sum
		}
		return a.fromParts(splitUint64(total.Uint64(), sum.Uint64(), w64), neg), nil
	}
	out := make([]Amount, len(ws))
	for i, p := range splitBig(total, sum, ws) {
		if neg {
			p.Neg(p)
		}
		out[i] = makeAmount(p, -a.cur.digits, a.cur)
	}
	return out, nil
}

// fromParts returns the parts, negated when neg, as amounts in a's minor
// units.
func (a Amount) fromParts(parts []uint64, neg bool) []Amount {
	out := make([]Amount, len(parts))
	for i, p := range parts {
		if v, ok := signed(p, neg); ok {
			out[i] = Amount{coef: v, exp: -a.cur.digits, cur: a.cur}
			continue
		}
		m := new(big.Int).SetUint64(p)
		if neg {
			m.Neg(m)
		}
		out[i] = makeAmount(m, -a.cur.digits, a.cur)
	}
	return out
}

func fitsUint64(xs ...*big.Int) bool {
	for _, x := range xs {
		if !x.IsUint64() {
			return false
		}
	}
	return true
}

// splitBig is the allocation rule in arbitrary precision.
func splitBig(total, sum *big.Int, ws []*big.Int) []*big.Int {
	parts := make([]*big.Int, len(ws))
	rems := make([]*big.Int, len(ws))
	left := new(big.Int).Set(total)
	for i, w := range ws {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(total, w), sum, new(big.Int))
		parts[i], rems[i] = q, r
		left.Sub(left, q)
	}
	for _, i := range byRemainder(len(ws), func(i, j int) int { return rems[j].Cmp(rems[i]) })[:left.Int64()] {
		parts[i].Add(parts[i], big.NewInt(1))
	}
	return parts
}

// splitUint64 is splitBig for totals and weight sums that fit in uint64, the
// case of every real invoice; it uses 128-bit intermediate products so that
// total × weight never overflows. Every weight is at most sum, so the high
// word of total × weight is below sum and bits.Div64 cannot fault.
func splitUint64(total, sum uint64, ws []uint64) []uint64 {
	parts := make([]uint64, len(ws))
	rems := make([]uint64, len(ws))
	left := total
	for i, w := range ws {
		hi, lo := bits.Mul64(total, w)
		parts[i], rems[i] = bits.Div64(hi, lo, sum)
		left -= parts[i]
	}
	for _, i := range byRemainder(len(ws), func(i, j int) int {
		switch {
		case rems[i] > rems[j]:
			return -1
		case rems[i] < rems[j]:
			return 1
		}
		return 0
	})[:left] {
		parts[i]++
	}
	return parts
}

// byRemainder returns the indices 0..n-1 ordered by cmpRem (largest remainder
// first); the stable sort keeps ties in index order, which is the documented
// tie-break.
func byRemainder(n int, cmpRem func(i, j int) int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, cmpRem)
	return idx
}
