package money

import "github.com/shopspring/decimal"

// AllocateAmounts splits a in proportion to the amounts weights (a coupon
// split by each line's share of an order) by exactly the rule of Allocate.
// Ratios of minor units are the weights scaled by a common factor, which
// does not change the split, and Allocate on int64 ratios needs no decimal
// arithmetic; weights that are not whole minor units, or negative, take the
// AllocateWeights route (which refuses negative weights).
func (a Amount) AllocateAmounts(weights ...Amount) ([]Amount, error) {
	ratios := make([]int64, len(weights))
	for i, w := range weights {
		m, err := w.MinorUnits()
		if err != nil || m < 0 {
			ds := make([]decimal.Decimal, len(weights))
			for j, w := range weights {
				ds[j] = w.Number()
			}
			return a.AllocateWeights(ds...)
		}
		ratios[i] = m
	}
	return a.Allocate(ratios...)
}

// Calc does Amount arithmetic whose currencies the caller has already
// checked, keeping the first error anyway, so that a broken invariant
// surfaces as an error (read Err once at the end) instead of a wrong
// number. The zero Calc is ready to use.
type Calc struct{ err error }

// Err returns the first error any operation met, or nil.
func (k *Calc) Err() error { return k.err }

// Fail records err if it is the first.
func (k *Calc) Fail(err error) {
	if k.err == nil && err != nil {
		k.err = err
	}
}

// Add returns a+b.
func (k *Calc) Add(a, b Amount) Amount {
	r, err := a.Add(b)
	k.Fail(err)
	return r
}

// Sub returns a−b.
func (k *Calc) Sub(a, b Amount) Amount {
	r, err := a.Sub(b)
	k.Fail(err)
	return r
}

// Cmp compares a and b (−1, 0, +1).
func (k *Calc) Cmp(a, b Amount) int {
	r, err := a.Cmp(b)
	k.Fail(err)
	return r
}
