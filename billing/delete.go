package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
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
func (s *System) Delete(ctx context.Context, key string, req DeleteRequest) (DeleteResult, error) {
	if err := validateDelete(req); err != nil {
		return DeleteResult{}, err
	}
	type outcome struct {
		Unused   money.Amount `json:"unused"`
		Refunded money.Amount `json:"refunded"`
	}
	out, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "resource.delete", req, func(ctx context.Context, tx storage.Tx) (outcome, error) {
		acct, r, d, err := txn.LockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return outcome{}, err
		}
		from := lifecycle.State(r.Status)
		to, err := lifecycle.Next(from, lifecycle.EventDelete)
		if err != nil {
			return outcome{}, err
		}
		rules := s.env.Rules(acct, r.ProductID)
		now := s.env.Now()
		if d.Postpaid {
			return outcome{Unused: d.PricePer30Days.MulInt(0), Refunded: d.PricePer30Days.MulInt(0)}, resource.DeletePostpaid(ctx, s.env, tx, acct, &r, &d, from, to, req)
		}
		unused, err := lifecycle.DeleteRefund(d.PricePer30Days, now, r.PeriodEnd, rules.Policy())
		if err != nil {
			return outcome{}, err
		}
		refunded := unused.MulInt(0)
		if rules.Policy().RefundOnDelete {
			if refunded, _, err = resource.UnusedValue(ctx, s.env, tx, acct, r, d, now); err != nil {
				return outcome{}, err
			}
		}
		if refunded.IsPositive() {
			reason := core.ClipText(core.OrDefault(req.Reason, "deleted")+": unused time refunded", invoice.MaxTextLen)
			if err := resource.CreditExactly(ctx, s.env, tx, acct, &r, &d, refunded, reason); err != nil {
				return outcome{}, err
			}
			if err := ledger.RefundToCash(ctx, s.env, tx, acct, refunded, payment.RefResource, r.ID, core.ClipText(reason, payment.MaxMemoLen)); err != nil {
				return outcome{}, err
			}
		}
		resource.SetValue(&d, lifecycle.PaidValue{})
		oldSpan := period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
		r.Status, r.UpdatedAt = to, now
		if err := outbox.HostEffects(ctx, s.env, tx, acct, &r, from, to); err != nil {
			return outcome{}, err
		}
		if err := resource.SaveResource(ctx, s.env, tx, &r, &d, rules); err != nil {
			return outcome{}, err
		}
		if err := invoicing.LogAction(ctx, s.env, tx, acct, req.Actor, r.ID, invoice.ActionDelete, d.Configuration, pricing.Configuration{}, oldSpan, period.Span{}, "", req.Reason); err != nil {
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
