package txn

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

// LockResource locks the account and then one of its resources (always in
// that order, so operations never deadlock), with its detail.
func LockResource(ctx context.Context, tx storage.Tx, accountID, resourceID string) (storage.Account, storage.Resource, storage.ResourceDetail, error) {
	acct, err := core.GetAccount(ctx, tx, accountID, true)
	if err != nil {
		return storage.Account{}, storage.Resource{}, storage.ResourceDetail{}, err
	}
	r, err := tx.Resources().GetForUpdate(ctx, acct.ID, resourceID)
	if err != nil {
		return storage.Account{}, storage.Resource{}, storage.ResourceDetail{}, core.MapNotFound(err, billingtype.ErrResourceNotFound, resourceID)
	}
	return acct, r, r.ResourceDetail, nil
}
