package core

import (
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// sameCurrency rejects money not in the account's currency.
func SameCurrency(acct storage.Account, a money.Amount) error {
	if got := a.Currency().Code(); got != acct.Currency {
		return fmt.Errorf("%w: %s for an account in %s", billingtype.ErrCurrencyMismatch, got, acct.Currency)
	}
	return nil
}
