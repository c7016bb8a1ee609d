package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/storage"
)

// getAccount reads (and optionally locks) an account, mapping a missing one
// to ErrAccountNotFound.
func GetAccount(ctx context.Context, tx storage.Tx, id string, forUpdate bool) (storage.Account, error) {
	get := tx.Accounts().Get
	if forUpdate {
		get = tx.Accounts().GetForUpdate
	}
	a, err := get(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Account{}, fmt.Errorf("%w: %q", billingtype.ErrAccountNotFound, id)
	}
	return a, err
}
