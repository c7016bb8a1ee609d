package pay

import (
	"context"
	"errors"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

// hasDefaultLinked reports whether the account has a default linked
// account; a storage failure is an error, not a "no".
func HasDefaultLinked(ctx context.Context, s *core.Env, tx storage.Tx, accountID string) (bool, error) {
	_, err := chosenLinkedAccount(ctx, s, tx, accountID, "")
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, billingtype.ErrLinkedAccountNotFound) || errors.Is(err, billingtype.ErrUnknownGateway):
		return false, nil
	}
	return false, err
}
