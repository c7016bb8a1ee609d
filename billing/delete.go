package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// DeleteRequest deletes a resource at the customer's request.
type DeleteRequest struct {
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	Reason     string `json:"reason,omitempty"`
}

// DeleteResult is a delete's outcome.
type DeleteResult struct {
	Resource Resource
	// UnusedValue is price/30 × unused days, to the minute, before tax
	// (181,000/30 × 20 = 120,667); zero past the end or when the product
	// does not refund deletes.
	UnusedValue money.Amount
	// Refunded is what went back to credit (UnusedValue plus its tax),
	// documented by a credit note.
	Refunded money.Amount
}

// Delete deletes an active, grace or suspended resource: its unused value
// is refunded to credit (with a credit note) when the product's policy
// allows, the host gets an EventRelease, and the action log records it —
// in one transaction. Deleting a deleted or released resource is
// lifecycle.ErrIllegalTransition and changes nothing.
func (s *System) Delete(ctx context.Context, key string, req DeleteRequest) (DeleteResult, error) {
	if err := validateDelete(req); err != nil {
		return DeleteResult{}, err
	}
	type outcome struct {
		Unused   money.Amount `json:"unused"`
		Refunded money.Amount `json:"refunded"`
	}
	out, err := idempotent(ctx, s, req.AccountID, key, "resource.delete", req, func(ctx context.Context, tx storage.Tx) (outcome, error) {
		acct, r, d, err := lockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return outcome{}, err
		}
		from := lifecycle.State(r.Status)
		to, err := lifecycle.Next(from, lifecycle.EventDelete)
		if err != nil {
			return outcome{}, err
		}
		rules := s.rules(acct, r.ProductID)
		now := s.now()
		unused, err := lifecycle.DeleteRefund(d.PricePer30Days, now, r.PeriodEnd, rules.Policy())
		if err != nil {
			return outcome{}, err
		}
		refunded := unused.MulInt(0)
		if unused.IsPositive() {
			q, err := s.catalog.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
				{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Span: period.Span{Start: now, End: r.PeriodEnd}}}})
			if err != nil {
				return outcome{}, err
			}
			reason := orDefault(req.Reason, "deleted") + ": unused time refunded"
			credited, err := s.creditInvoices(ctx, tx, acct, &r, &d, q.Lines[0].Total, reason)
			if err != nil {
				return outcome{}, err
			}
			if credited.IsPositive() {
				if err := s.refundToCash(ctx, tx, acct, credited, payment.RefInvoice, r.ID, reason); err != nil {
					return outcome{}, err
				}
				refunded = credited
			}
		}
		oldSpan := period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
		r.Status, r.UpdatedAt = string(to), now
		if err := s.hostEffects(ctx, tx, acct, &r, from, to); err != nil {
			return outcome{}, err
		}
		if err := s.saveResource(ctx, tx, &r, &d, rules); err != nil {
			return outcome{}, err
		}
		if err := s.logAction(ctx, tx, acct, r.ID, invoice.ActionDelete, d.Configuration, nil, oldSpan, period.Span{}, "", req.Reason); err != nil {
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
