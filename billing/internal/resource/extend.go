package resource

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// TargetGone says why a paid order's line can no longer apply to resource
// r ("" when it can).
func TargetGone(s *core.Env, acct storage.Account, r storage.Resource, kind order.Kind) string {
	st := lifecycle.State(r.Status)
	var err error
	switch kind {
	case order.KindRecover:
		_, err = s.Rules(acct, r.ProductID).Next(st, lifecycle.EventRecover)
	case order.KindResize:
		_, err = lifecycle.Next(st, lifecycle.EventResize)
		if err == nil && !s.Now().Before(r.PeriodEnd) {
			return fmt.Sprintf("resource %s: its term ended before the resize was paid", r.ID)
		}
	default:
		_, err = lifecycle.Next(st, lifecycle.EventRenew)
	}
	if err != nil {
		return fmt.Sprintf("resource %s is %s and can no longer take this %s", r.ID, st, kind)
	}
	return ""
}

// ExtendPaid renews one resource to target.End and issues its invoice.
func ExtendPaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	line pricing.QuoteLine, target order.Target, kind order.Kind, actor string) error {
	rules := s.Rules(acct, r.ProductID)
	from := lifecycle.State(r.Status)
	anchor := target.Anchor
	if !target.Start.Equal(r.PeriodEnd) {
		// The resource changed since the order was placed (renewed twice):
		// extend from where it ends now, by the same length.
		target.End = r.PeriodEnd.Add(target.End.Sub(target.Start))
		target.Start = r.PeriodEnd
		anchor = time.Time{}
	}
	if anchor.IsZero() {
		// A matched end, or a renewal that had to move: the anchor is kept
		// if the new end is one of its boundaries, else it restarts there.
		anchor = rules.Calendar().Reanchor(d.Anchor, target.End)
	}
	d.Anchor = anchor
	v, err := ViewOf(*r, *d).Renewed(target.End, s.Now())
	if err != nil {
		return err
	}
	value, err := paidValue(ctx, s, tx, acct, *r, *d)
	if err != nil {
		return err
	}
	oldSpan := period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
	r.Status, r.PeriodEnd, r.UpdatedAt = v.State, v.End, s.Now()
	d.Since, d.NextReminder, d.NextAttempt = v.Since, v.NextReminder, v.NextAttempt
	discount, err := line.TermDiscount.Add(line.Discount)
	if err != nil {
		return err
	}
	lt, err := invoicing.TaxOfLine(s, acct, line)
	if err != nil {
		return err
	}
	inv, err := invoicing.IssueInvoice(ctx, s, tx, acct, r, d, invoicing.Charge{Details: line.Breakdown, Explain: line.Explain,
		Span: period.Span{Start: target.Start, End: target.End}, Amount: line.Base, Discount: discount, Memo: string(kind), Tax: lt})
	if err != nil {
		return err
	}
	d.InvoiceIDs = append(d.InvoiceIDs, inv.ID)
	list, err := listValue(line)
	if err != nil {
		return err
	}
	if value, err = value.Append(target.Start, target.End, inv.Total, list); err != nil {
		return err
	}
	SetValue(d, value)
	if err := outbox.HostEffects(ctx, s, tx, acct, r, from, v.State); err != nil {
		return err
	}
	if err := SaveResource(ctx, s, tx, r, d, rules); err != nil {
		return err
	}
	return invoicing.LogAction(ctx, s, tx, acct, actor, r.ID, actionKindFor(kind), d.Configuration, d.Configuration, oldSpan,
		period.Span{Start: r.PeriodStart, End: r.PeriodEnd}, inv.ID, "")
}

// RecoverPaid sends a released resource back to provisioning with its new
// line; ProvisioningSucceeded then starts its term and invoices it.
func RecoverPaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, line pricing.QuoteLine, orderID, actor string) error {
	next, err := s.Rules(acct, r.ProductID).Next(lifecycle.State(r.Status), lifecycle.EventRecover)
	if err != nil {
		return err
	}
	// The resource leaves its order for the recovery's: the order's
	// e-invoice, if it still waits, is issued now with what it has, or
	// the starting invoice it deferred would never be stated.
	if err := invoicing.EInvoiceOrder(ctx, s, tx, acct.ID, r.OrderID, true); err != nil {
		return err
	}
	r.Status, r.OrderID, r.PeriodStart, r.PeriodEnd, r.NextDueAt, r.UpdatedAt = next, orderID, time.Time{}, time.Time{}, time.Time{}, s.Now()
	d.Line, d.Term = line, line.Term
	// The recovery's own coupon shares are what a failed provisioning
	// gives back, not those of the purchase it replaces.
	d.CouponShares = nil
	for _, ds := range line.Discounts {
		if ds.Code != "" && ds.Amount.IsPositive() {
			if d.CouponShares == nil {
				d.CouponShares = map[string]money.Amount{}
			}
			d.CouponShares[ds.Code] = ds.Amount
		}
	}
	// The released term's value is spent; provisioning starts a new one.
	SetValue(d, lifecycle.PaidValue{})
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if err := invoicing.LogAction(ctx, s, tx, acct, actor, r.ID, invoice.ActionRecover, d.Configuration, d.Configuration, period.Span{}, period.Span{}, "", ""); err != nil {
		return err
	}
	return outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventProvision, "", billingtype.ProvisionPayload{
		ResourceID: r.ID, ProductID: r.ProductID, Configuration: d.Configuration, Term: d.Term.String(),
	})
}

// ViewOf is the lifecycle view of a stored resource.
func ViewOf(r storage.Resource, d storage.ResourceDetail) lifecycle.ResourceView {
	return lifecycle.ResourceView{State: lifecycle.State(r.Status), End: r.PeriodEnd, Since: d.Since, AutoRenew: d.AutoRenew,
		NextReminder: d.NextReminder, NextAttempt: d.NextAttempt}
}

// SaveResource reschedules and stores a resource.
func SaveResource(ctx context.Context, s *core.Env, tx storage.Tx, r *storage.Resource, d *storage.ResourceDetail, rules lifecycle.Rules) error {
	if err := schedule(s, r, d, rules); err != nil {
		return err
	}
	r.ResourceDetail = *d
	_, err := tx.Resources().Update(ctx, *r)
	return err
}

func actionKindFor(orderKind order.Kind) invoice.ActionKind {
	if orderKind == order.KindMatchEndTime {
		return invoice.ActionMatchEndTime
	}
	return invoice.ActionRenew
}
