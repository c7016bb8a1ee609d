package pricing

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// zero returns zero in the catalog currency.
func (c *Catalog) zero() money.Amount {
	z, err := money.Zero(c.currency.Code())
	if err != nil {
		return money.Amount{} // unreachable: the catalog's currency is known
	}
	return z
}

// split splits take in proportion to weights, which are whole minor units
// of take's currency (what is left of each line), by the rule of
// money.Amount.AllocateWeights. Ratios of minor units are the weights
// scaled by a common factor, which does not change the split, and
// Allocate on int64 ratios needs no decimal arithmetic; weights that are
// not whole minor units or do not fit take the decimal route.
func split(take money.Amount, weights []money.Amount) ([]money.Amount, error) {
	ratios := make([]int64, len(weights))
	for i, w := range weights {
		m, err := w.MinorUnits()
		if err != nil || m < 0 {
			ds := make([]decimal.Decimal, len(weights))
			for j, w := range weights {
				ds[j] = w.Number()
			}
			return take.AllocateWeights(ds...)
		}
		ratios[i] = m
	}
	return take.Allocate(ratios...)
}

// calc does Amount arithmetic that cannot fail once currencies are checked,
// keeping the first error anyway so that a broken invariant surfaces as an
// error instead of a wrong number.
type calc struct{ err error }

// fail records err if it is the first.
func (k *calc) fail(err error) {
	if k.err == nil && err != nil {
		k.err = err
	}
}

// add returns a+b.
func (k *calc) add(a, b money.Amount) money.Amount {
	r, err := a.Add(b)
	k.fail(err)
	return r
}

// sub returns a−b.
func (k *calc) sub(a, b money.Amount) money.Amount {
	r, err := a.Sub(b)
	k.fail(err)
	return r
}

// cmp compares a and b.
func (k *calc) cmp(a, b money.Amount) int {
	r, err := a.Cmp(b)
	k.fail(err)
	return r
}
