package pricing

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// zero returns zero in the catalog currency.
func (c *Catalog) zero() money.Amount {
	z, err := c.amount(decimal.Zero)
	if err != nil {
		return money.Amount{} // unreachable: zero always has a valid exponent
	}
	return z
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
