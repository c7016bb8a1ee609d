package resource

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// Activate starts a provisioned resource's term and issues its invoice.
func Activate(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, actor string) error {
	if d.Postpaid {
		return activatePostpaid(ctx, s, tx, acct, r, d, actor)
	}
	rules := s.Rules(acct, r.ProductID)
	next, err := rules.Next(lifecycle.State(r.Status), lifecycle.EventProvisioned)
	if err != nil {
		return err
	}
	now := s.Now()
	// The term is laid from now, which becomes the billing anchor its
	// renewals count from.
	ren, err := rules.Calendar().Renew(now, now, d.Term)
	if err != nil {
		return err
	}
	end := ren.Span.End
	d.Anchor = ren.Anchor
	r.Status, r.PeriodStart, r.PeriodEnd, r.UpdatedAt = next, now, end, now
	d.Since, d.NextReminder, d.NextAttempt = now, 0, 0
	discount, err := d.Line.TermDiscount.Add(d.Line.Discount)
	if err != nil {
		return err
	}
	lt, err := invoicing.TaxOfLine(s, acct, d.Line)
	if err != nil {
		return err
	}
	inv, err := invoicing.IssueStartInvoice(ctx, s, tx, acct, r, d, invoicing.Charge{Details: d.Line.Breakdown, Explain: d.Line.Explain,
		Span: period.Span{Start: now, End: end}, Amount: d.Line.Base, Discount: discount, Tax: lt})
	if err != nil {
		return err
	}
	d.InvoiceIDs = append(d.InvoiceIDs, inv.ID)
	// The term's value is what its invoice says was paid.
	list, err := listValue(d.Line)
	if err != nil {
		return err
	}
	v, err := lifecycle.Rebase(now, end, inv.Total, list)
	if err != nil {
		return err
	}
	SetValue(d, v)
	if err := schedule(s, r, d, rules); err != nil {
		return err
	}
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if actor == "" {
		if actor, err = invoicing.OrderActor(ctx, s, tx, acct, r.OrderID); err != nil {
			return err
		}
	}
	if err := invoicing.LogAction(ctx, s, tx, acct, actor, r.ID, invoice.ActionCreate, pricing.Configuration{}, d.Configuration,
		period.Span{}, period.Span{Start: now, End: end}, inv.ID, ""); err != nil {
		return err
	}
	return invoicing.EInvoiceOrder(ctx, s, tx, acct.ID, r.OrderID, false)
}

// FailProvisioning refunds a resource that could not be created.
func FailProvisioning(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, reason, actor string) error {
	next, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventProvisionFailed)
	if err != nil {
		return err
	}
	now := s.Now()
	r.Status, r.UpdatedAt = next, now
	d.FailureReason = core.OrDefault(reason, "provisioning failed")
	// A postpaid resource was not paid for: nothing to refund, and it is
	// never billed (it never ran).
	if !d.Postpaid && d.Line.Total.IsPositive() {
		sp, err := tx.Payments().GetForUpdate(ctx, acct.ID, d.PaymentID)
		if err != nil {
			return core.MapNotFound(err, billingtype.ErrPaymentNotFound, d.PaymentID)
		}
		if err := ledger.RefundInTx(ctx, s, tx, acct, &sp, d.Line.Total, "provisioning failed: "+d.FailureReason); err != nil {
			return err
		}
	}
	if err := releaseCouponShares(ctx, s, tx, acct, r.OrderID, d.CouponShares); err != nil {
		return err
	}
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if err := invoicing.LogAction(ctx, s, tx, acct, actor, r.ID, invoice.ActionProvisionFailed, d.Configuration, pricing.Configuration{},
		period.Span{}, period.Span{}, "", d.FailureReason); err != nil {
		return err
	}
	// The resource that failed may have been the last its order's
	// e-invoice waited for.
	return invoicing.EInvoiceOrder(ctx, s, tx, acct.ID, r.OrderID, false)
}

// releaseCouponShares gives a failed resource's coupon shares back: each
// redemption of the order shrinks by the share, and is released once
// nothing of it is left in use.
func releaseCouponShares(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, orderID string, shares map[string]money.Amount) error {
	if len(shares) == 0 {
		return nil
	}
	list, err := tx.Redemptions().ListByOrder(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	for _, rd := range list {
		share, ok := shares[rd.Code]
		if !ok || rd.Status == core.RedemptionReleased {
			continue
		}
		left, err := rd.Amount.Sub(share)
		if err != nil {
			return err
		}
		rd.Amount, rd.UpdatedAt = left, s.Now()
		if !left.IsPositive() {
			next, err := coupon.NextRedemption(coupon.RedemptionStatus(rd.Status), coupon.RedemptionRelease)
			if err != nil {
				return err
			}
			rd.Status = next
		}
		if err := tx.Redemptions().Update(ctx, rd); err != nil {
			return err
		}
	}
	return nil
}

// CompleteOrderIfDone marks a paid order completed once every resource has
// a provisioning outcome.
func CompleteOrderIfDone(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, orderID string) error {
	resources, err := tx.Resources().ListByOrder(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	for _, r := range resources {
		if st := lifecycle.State(r.Status); st == lifecycle.StateProvisioning || st == lifecycle.StatePendingPayment {
			return nil
		}
	}
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if err != nil || o.Status != order.StatusPaid {
		return err
	}
	o.Status, o.UpdatedAt = order.StatusCompleted, s.Now()
	return tx.Orders().Update(ctx, o)
}

// schedule sets the resource's next due time from the lifecycle rules.
func schedule(s *core.Env, r *storage.Resource, d *storage.ResourceDetail, rules lifecycle.Rules) error {
	v := lifecycle.ResourceView{State: lifecycle.State(r.Status), End: r.PeriodEnd, Since: d.Since, AutoRenew: d.AutoRenew,
		NextReminder: d.NextReminder, NextAttempt: d.NextAttempt}
	if !v.State.Scheduled() {
		r.NextDueAt = time.Time{}
		return nil
	}
	at, ok, err := rules.NextDue(v)
	if err != nil {
		return err
	}
	if !ok {
		at = time.Time{}
	}
	r.NextDueAt = at
	return nil
}
