package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ordering"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// ErrSameConfiguration: a resize to the configuration the resource has.
var ErrSameConfiguration = errors.New("billing: resize to the same configuration")

// ResizeResult is a resize's outcome.
type ResizeResult struct {
	Resource Resource `json:"resource"`
	// Difference is new price/30 × remaining days − old price/30 ×
	// remaining days, to the minute, before tax: positive is charged,
	// negative refunded to credit (when the product refunds downgrades).
	Difference money.Amount `json:"difference"`
	// Charged is what the payment takes (Difference plus its tax); zero
	// for a downgrade.
	Charged money.Amount `json:"charged"`
	// Refunded is what went back to credit (a downgrade).
	Refunded money.Amount `json:"refunded"`
	// Payment is the upgrade's payment (pending: the resize applies on the
	// gateway's callback); zero for a downgrade.
	Payment Payment `json:"payment"`
}

// Resize changes an active resource's configuration keeping its end date:
// the difference new/30 × remaining days − old/30 × remaining days, to the
// minute (upgrade 181,000 → 520,000 with 50 days left: 866,667 − 301,667 =
// 565,000; downgrade 520,000 → 181,000 with 20 days left: −226,000). The
// current invoice is adjusted by a credit note for the old configuration's
// remaining value and a new Paid invoice is issued for the rest of the term
// at the new one. An upgrade is paid like any order (applied at once by
// credit, on the callback through a gateway); a downgrade is applied at once
// and the difference refunded to credit if the product's policy allows.
// Coupons valid for the resize action discount an upgrade: evaluated on the
// difference and taken off the new invoice, so the charge drops by the
// discount and its tax (a downgrade with coupons is a *RequestError).
// The host gets an EventResize. Resizing to the same configuration is
// ErrSameConfiguration; outside active, lifecycle.ErrIllegalTransition;
// nothing changes on rejection.
func (s *System) Resize(ctx context.Context, key string, req ResizeRequest) (ResizeResult, error) {
	if err := validateResize(req); err != nil {
		return ResizeResult{}, err
	}
	if req.PaySpec.Method == payment.MethodGateway || req.PaySpec.Method == payment.MethodTopUpAndPay {
		if _, err := s.env.Gateway(req.Gateway); err != nil {
			return ResizeResult{}, err
		}
	}
	type outcome struct {
		OrderID    string       `json:"order_id"`
		PaymentID  string       `json:"payment_id,omitempty"`
		Difference money.Amount `json:"difference"`
		Charged    money.Amount `json:"charged"`
		Refunded   money.Amount `json:"refunded"`
	}
	out, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "resource.resize", req, func(ctx context.Context, tx storage.Tx) (outcome, error) {
		acct, r, d, err := txn.LockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return outcome{}, err
		}
		if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventResize); err != nil {
			return outcome{}, err
		}
		if resource.SameConfiguration(d.Configuration, req.Configuration) {
			return outcome{}, ErrSameConfiguration
		}
		if d.Postpaid {
			zero := d.PricePer30Days.MulInt(0)
			return outcome{Difference: zero, Charged: zero, Refunded: zero}, resource.ResizePostpaid(ctx, s.env, tx, acct, &r, &d, req)
		}
		now := s.env.Now()
		if !now.Before(r.PeriodEnd) {
			return outcome{}, fmt.Errorf("%w: the term ended at %s", lifecycle.ErrTermEnded, r.PeriodEnd.Format(time.RFC3339))
		}
		span := period.Span{Start: now, End: r.PeriodEnd}
		cat, err := s.env.CatalogFor(acct.Currency)
		if err != nil {
			return outcome{}, err
		}
		q, err := cat.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
			{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Span: span},
			{ProductID: r.ProductID, Configuration: req.Configuration, Quantity: 1, Span: span},
		}})
		if err != nil {
			return outcome{}, err
		}
		oldLine, newLine := q.Lines[0], q.Lines[1]
		diff, err := newLine.Net.Sub(oldLine.Net)
		if err != nil {
			return outcome{}, err
		}
		diffTotal, err := newLine.Total.Sub(oldLine.Total)
		if err != nil {
			return outcome{}, err
		}
		target := order.Resize{ResourceID: r.ID, Configuration: req.Configuration, OldLine: oldLine, NewLine: newLine, Start: now, End: r.PeriodEnd}
		zero := diff.MulInt(0)
		if !diffTotal.IsPositive() && len(req.Coupons) > 0 {
			return outcome{}, &RequestError{Field: "Coupons", Reason: "apply to upgrades only: a downgrade charges nothing"}
		}
		if !diffTotal.IsPositive() {
			refund, err := resource.ApplyResize(ctx, s.env, tx, acct, &r, &d, target, zero, core.OrDefault(req.Actor, acct.ID))
			if err != nil {
				return outcome{}, err
			}
			return outcome{Difference: diff, Charged: zero, Refunded: refund}, nil
		}
		target.ListCharge = diffTotal
		// Resize coupons discount the upgrade: evaluated on the difference,
		// they are taken off the new invoice's line, so the charge (new
		// invoice − credit note) drops by the discount and its tax.
		discounts, cres, err := ordering.ApplyCoupons(ctx, s.env, tx, acct, coupon.ActionResize, req.Coupons,
			[]pricing.QuoteLine{{ProductID: r.ProductID, Subtotal: diff}})
		if err != nil {
			return outcome{}, err
		}
		if len(discounts) > 0 {
			dq, err := cat.Quote(pricing.QuoteRequest{
				Items:     []pricing.QuoteItem{{ProductID: r.ProductID, Configuration: req.Configuration, Quantity: 1, Span: span}},
				Discounts: []pricing.Discount{{Code: discounts[0].Code, Label: discounts[0].Label, Amount: cres.Total}},
			})
			if err != nil {
				return outcome{}, err
			}
			target.NewLine = dq.Lines[0]
			if diffTotal, err = target.NewLine.Total.Sub(oldLine.Total); err != nil {
				return outcome{}, err
			}
			if !diffTotal.IsPositive() {
				diffTotal = zero
			}
		}
		diffNet, err := target.NewLine.Net.Sub(oldLine.Net)
		if err != nil {
			return outcome{}, err
		}
		diffTax, err := diffTotal.Sub(diffNet)
		if err != nil {
			return outcome{}, err
		}
		couponOff := zero
		if !cres.Total.Currency().IsZero() {
			couponOff = cres.Total
		}
		charge := pricing.Quote{Currency: q.Currency, TaxPolicy: q.TaxPolicy, Lines: []pricing.QuoteLine{target.NewLine},
			Subtotal: diff, Discount: couponOff, Net: diffNet, Tax: diffTax, Total: diffTotal}
		placed, err := ordering.RecordResizeOrder(ctx, s.env, tx, acct, req, charge, target, cres)
		return outcome{OrderID: placed.OrderID, PaymentID: placed.PaymentID, Difference: diff, Charged: diffTotal, Refunded: zero}, err
	})
	if err != nil {
		return ResizeResult{}, err
	}
	res := ResizeResult{Difference: out.Difference, Charged: out.Charged, Refunded: out.Refunded}
	if out.PaymentID != "" { // none for a downgrade or an upgrade a coupon made free
		res.Payment, err = pay.SubmitPayment(ctx, s.env, req.AccountID, out.PaymentID, req.ReturnURL)
		if err != nil {
			return res, err
		}
	}
	res.Resource, err = s.Resource(ctx, req.AccountID, req.ResourceID)
	return res, err
}
