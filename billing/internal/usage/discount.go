package usage

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// DiscountRate is the postpaid discount of a resource of product productID
// at configuration cfg for acct: the account's contract discount
// (storage.Account.DiscountRate) when it has one, else the catalog's
// (pricing.Catalog.PostpaidDiscountRate: the plan's, else the product's),
// zero for a product the account's catalog no longer has — a month close
// never fails for want of a discount.
func DiscountRate(s *core.Env, acct storage.Account, productID string, cfg pricing.Configuration) decimal.Decimal {
	if !acct.DiscountRate.IsZero() {
		return acct.DiscountRate
	}
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return decimal.Zero
	}
	rate, err := cat.PostpaidDiscountRate(productID, cfg)
	if err != nil {
		return decimal.Zero
	}
	return rate
}

// discounted is what a metered charge costs at discount rate, for the
// credit hold's estimate: its Amount × (1 − rate), rounded half-up once.
func discounted(c metering.Charge, rate decimal.Decimal) money.Amount {
	if rate.IsZero() {
		return c.Amount
	}
	return c.Amount.Mul(decimal.NewFromInt(1).Sub(rate)).Round(money.HalfUp)
}
