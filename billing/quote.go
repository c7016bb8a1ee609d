package billing

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// Quote prices an order for an account without changing anything: every
// line with its breakdown, discounts split by each line's share, tax and
// totals that reconcile exactly. The account must exist (ErrAccountNotFound)
// and keep its money in the catalog's currency (ErrCurrencyMismatch);
// pricing rejections are the pricing package's typed errors.
func (s *System) Quote(ctx context.Context, accountID string, req pricing.QuoteRequest) (pricing.Quote, error) {
	if err := validateQuote(accountID, req); err != nil {
		return pricing.Quote{}, err
	}
	var a Account
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		a, err = getAccount(ctx, tx, accountID, false)
		return err
	})
	if err != nil {
		return pricing.Quote{}, err
	}
	if cur := s.catalog.Currency().Code(); a.Currency != cur {
		return pricing.Quote{}, fmt.Errorf("%w: account %q keeps %s, catalog prices in %s", ErrCurrencyMismatch, a.ID, a.Currency, cur)
	}
	return s.catalog.Quote(req)
}
