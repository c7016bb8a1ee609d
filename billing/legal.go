package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/storage"
)

// SetLegalDetailsRequest records or removes the legal details an account's
// documents name the buyer by.
type SetLegalDetailsRequest = billingtype.SetLegalDetailsRequest

// SetLegalDetails records the account's legal details (an audited,
// idempotent operation, "account.legal_details_changed"); see
// SetLegalDetailsRequest. Every invoice and credit note issued from then
// on carries a copy of them as its buyer, next to Config.Seller; documents
// already issued keep theirs. Errors: a *RequestError naming AccountID,
// Legal (with the field), Actor or Reason; ErrAccountNotFound.
func (s *System) SetLegalDetails(ctx context.Context, key string, req SetLegalDetailsRequest) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetLegalDetails")
	defer op.End(&err)
	if err := checkAuditedChange(req.AccountID, req.Actor, req.Reason); err != nil {
		return Account{}, err
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "account.set_legal_details", req, func(ctx context.Context, tx storage.Tx) (Account, error) {
		return invoicing.SetLegalDetails(ctx, s.env, tx, req)
	})
}
