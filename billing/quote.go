package billing

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// Quote prices an order for an account without changing anything: every
// line with its breakdown, discounts split by each line's share, tax and
// totals that reconcile exactly, in the account's currency by that
// currency's catalog. The account must exist (ErrAccountNotFound) in a
// currency the System serves (ErrCurrencyMismatch). Each line is taxed at
// pricing.Catalog.TaxRate of its product and the account's treatment (see
// SetTaxTreatment); req.TaxTreatment is ignored. Pricing rejections —
// a product its currency's catalog does not sell is a
// *pricing.UnknownProductError — are the pricing package's typed errors.
func (s *System) Quote(ctx context.Context, accountID string, req pricing.QuoteRequest) (_ pricing.Quote, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Quote")
	defer op.End(&err)
	if err := validateQuote(accountID, req); err != nil {
		return pricing.Quote{}, err
	}
	var a Account
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		a, err = core.GetAccount(ctx, tx, accountID, false)
		return err
	})
	if err != nil {
		return pricing.Quote{}, err
	}
	cat, err := s.env.CatalogFor(a.Currency)
	if err != nil {
		return pricing.Quote{}, fmt.Errorf("account %q: %w", a.ID, err)
	}
	// The account's VAT treatment decides the tax, whatever req says.
	req.TaxTreatment = a.TaxTreatment
	return cat.Quote(req)
}
