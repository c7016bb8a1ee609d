package pricing

import "github.com/cloudbill/cloudbill/billing/money"

// zero returns zero in the catalog currency.
func (c *Catalog) zero() money.Amount {
	z, err := money.Zero(c.currency.Code())
	if err != nil {
		return money.Amount{} // unreachable: the catalog's currency is known
	}
	return z
}
