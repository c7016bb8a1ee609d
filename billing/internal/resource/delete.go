package resource

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Delete deletes a resource at the account's request (Delete's
// transaction body): a postpaid resource stops and its last month is billed
// at close; a prepaid one refunds its unused paid value to cash credit
// when the product's policy says so (crediting its invoices first), loses
// its paid value, tells the host what to stop and logs the action. It
// returns the policy's unused value and what was refunded.
func Delete(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.DeleteRequest) (unused, refunded money.Amount, err error) {
	var zero money.Amount
	acct, r, d, err := txn.LockResource(ctx, tx, req.AccountID, req.ResourceID)
	if err != nil {
		return zero, zero, err
	}
	from := lifecycle.State(r.Status)
	to, err := lifecycle.Next(from, lifecycle.EventDelete)
	if err != nil {
		return zero, zero, err
	}
	rules := s.Rules(acct, r.ProductID)
	now := s.Now()
	if d.Postpaid {
		zero = d.PricePer30Days.MulInt(0)
		return zero, zero, DeletePostpaid(ctx, s, tx, acct, &r, &d, from, to, req)
	}
	unused, err = lifecycle.DeleteRefund(d.PricePer30Days, now, r.PeriodEnd, rules.Policy())
	if err != nil {
		return zero, zero, err
	}
	refunded = unused.MulInt(0)
	if rules.Policy().RefundOnDelete {
		if refunded, _, err = UnusedValue(ctx, s, tx, acct, r, d, now); err != nil {
			return zero, zero, err
		}
	}
	if refunded.IsPositive() {
		reason := core.ClipText(core.OrDefault(req.Reason, "deleted")+": unused time refunded", invoice.MaxTextLen)
		coded := invoice.CreditReason{Code: invoice.CreditUnusedTime, Note: core.ClipText(req.Reason, invoice.MaxTextLen)}
		if err := CreditExactly(ctx, s, tx, acct, &r, &d, refunded, reason, coded); err != nil {
			return zero, zero, err
		}
		if err := ledger.RefundToCash(ctx, s, tx, acct, refunded, payment.RefResource, r.ID, core.ClipText(reason, payment.MaxMemoLen)); err != nil {
			return zero, zero, err
		}
	}
	SetValue(&d, lifecycle.PaidValue{})
	oldSpan := period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
	r.Status, r.UpdatedAt = to, now
	if err := outbox.HostEffects(ctx, s, tx, acct, &r, from, to); err != nil {
		return zero, zero, err
	}
	if err := SaveResource(ctx, s, tx, &r, &d, rules); err != nil {
		return zero, zero, err
	}
	if err := invoicing.LogAction(ctx, s, tx, acct, req.Actor, r.ID, invoice.ActionDelete, d.Configuration, pricing.Configuration{}, oldSpan, period.Span{}, "", req.Reason); err != nil {
		return zero, zero, err
	}
	return unused, refunded, nil
}
