package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// DeleteResult is a delete's outcome.
type DeleteResult struct {
	Resource Resource `json:"resource"`
	// UnusedValue is the list price of the unused time: price/30 × unused
	// days, to the minute, before tax (181,000/30 × 20 = 120,667); zero
	// past the end or when the product does not refund deletes.
	UnusedValue money.Amount `json:"unused_value"`
	// Refunded is what went back to credit: the unused part of what the
	// customer actually paid (after coupons, term discounts and tax as
	// charged), pro-rata to the minute — 199,100 paid for 30 days (181,000
	// + 10% tax) with 20 days unused refunds 132,733 — documented by
	// credit notes.
	Refunded money.Amount `json:"refunded"`
}

// Delete deletes an active, grace or suspended resource: the unused part
// of what the customer paid is refunded to credit (with credit notes) when
// the product's policy allows — never more than what was paid, whatever
// downgrades and refunds came before — the host gets an EventRelease, and the action log records it —
// in one transaction. Deleting a deleted or released resource is
// lifecycle.ErrIllegalTransition and changes nothing.
func (s *System) Delete(ctx context.Context, key string, req DeleteRequest) (_ DeleteResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Delete")
	defer op.End(&err)
	if err := validateDelete(req); err != nil {
		return DeleteResult{}, err
	}
	type outcome struct {
		Unused   money.Amount `json:"unused"`
		Refunded money.Amount `json:"refunded"`
	}
	out, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "resource.delete", req, func(ctx context.Context, tx storage.Tx) (outcome, error) {
		unused, refunded, err := resource.Delete(ctx, s.env, tx, req)
		if err != nil {
			return outcome{}, err
		}
		return outcome{Unused: unused, Refunded: refunded}, nil
	})
	if err != nil {
		return DeleteResult{}, err
	}
	r, err := s.Resource(ctx, req.AccountID, req.ResourceID)
	return DeleteResult{Resource: r, UnusedValue: out.Unused, Refunded: out.Refunded}, err
}
