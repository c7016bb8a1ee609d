package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// ErrSameConfiguration: a resize to the configuration the resource has.
var ErrSameConfiguration = errors.New("billing: resize to the same configuration")

// ResizeRequest changes a resource's configuration mid-term.
type ResizeRequest struct {
	AccountID     string                `json:"account_id"`
	ResourceID    string                `json:"resource_id"`
	Configuration pricing.Configuration `json:"configuration"`
	PaySpec
}

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
		if _, err := s.gateway(req.Gateway); err != nil {
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
	out, err := idempotent(ctx, s, req.AccountID, key, "resource.resize", req, func(ctx context.Context, tx storage.Tx) (outcome, error) {
		acct, r, d, err := lockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return outcome{}, err
		}
		if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventResize); err != nil {
			return outcome{}, err
		}
		if sameConfiguration(d.Configuration, req.Configuration) {
			return outcome{}, ErrSameConfiguration
		}
		if d.Postpaid {
			zero := d.PricePer30Days.MulInt(0)
			return outcome{Difference: zero, Charged: zero, Refunded: zero}, s.resizePostpaid(ctx, tx, acct, &r, &d, req)
		}
		now := s.now()
		if !now.Before(r.PeriodEnd) {
			return outcome{}, fmt.Errorf("%w: the term ended at %s", lifecycle.ErrTermEnded, r.PeriodEnd.Format(time.RFC3339))
		}
		span := period.Span{Start: now, End: r.PeriodEnd}
		cat, err := s.catalogFor(acct.Currency)
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
			refund, err := s.applyResize(ctx, tx, acct, &r, &d, target, zero, orDefault(req.Actor, acct.ID))
			if err != nil {
				return outcome{}, err
			}
			return outcome{Difference: diff, Charged: zero, Refunded: refund}, nil
		}
		target.ListCharge = diffTotal
		// Resize coupons discount the upgrade: evaluated on the difference,
		// they are taken off the new invoice's line, so the charge (new
		// invoice − credit note) drops by the discount and its tax.
		discounts, cres, err := s.applyCoupons(ctx, tx, acct, coupon.ActionResize, req.Coupons,
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
		placed, err := s.recordResizeOrder(ctx, tx, acct, req, charge, target, cres)
		return outcome{OrderID: placed.OrderID, PaymentID: placed.PaymentID, Difference: diff, Charged: diffTotal, Refunded: zero}, err
	})
	if err != nil {
		return ResizeResult{}, err
	}
	res := ResizeResult{Difference: out.Difference, Charged: out.Charged, Refunded: out.Refunded}
	if out.PaymentID != "" { // none for a downgrade or an upgrade a coupon made free
		res.Payment, err = s.submitPayment(ctx, req.AccountID, out.PaymentID, req.ReturnURL)
		if err != nil {
			return res, err
		}
	}
	res.Resource, err = s.Resource(ctx, req.AccountID, req.ResourceID)
	return res, err
}

// recordResizeOrder stores an upgrade's order and payment.
func (s *System) recordResizeOrder(ctx context.Context, tx storage.Tx, acct Account, req ResizeRequest, charge pricing.Quote, target order.Resize, cres coupon.Result) (placedOrder, error) {
	return s.recordOrder(ctx, tx, acct, orderSpec{Kind: order.KindResize, Actor: req.Actor,
		Targets: []order.Target{{ResourceID: target.ResourceID, Start: target.Start, End: target.End, Resize: &target}},
		Method:  req.Method, Gateway: req.Gateway, LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL,
		ExpectedTotal: req.ExpectedTotal, Coupons: req.Coupons}, charge, cres)
}

// applyResize applies a resize at now in the caller's transaction. The
// customer's unused paid value U is credited off the current invoices and
// a new Paid invoice is issued at the new configuration for the rest of
// the term, worth U + charged for an upgrade (charged is what the upgrade
// order took) or U − refund for a downgrade, where refund is the list
// difference scaled by what the customer actually paid
// (lifecycle.DowngradeRefund) when the product refunds downgrades. The
// new configuration and price, the refund to cash, the host event and the
// action log follow. It returns the refund.
func (s *System) applyResize(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, t order.Resize,
	charged money.Amount, actor string) (money.Amount, error) {
	now := s.now()
	if !r.PeriodEnd.Equal(t.End) {
		// Renewed since the upgrade was ordered: the extra term keeps the
		// old price; the resize applies to what was paid for.
		t.End = r.PeriodEnd
	}
	t.Start = now
	unused, value, err := s.unusedValue(ctx, tx, acct, *r, *d, now)
	if err != nil {
		return money.Amount{}, err
	}
	unusedList, err := value.UnusedList(acct.Currency, now)
	if err != nil {
		return money.Amount{}, err
	}
	refund := unused.MulInt(0)
	if !charged.IsPositive() && s.rules(acct, r.ProductID).Policy().RefundOnDowngrade {
		if refund, err = lifecycle.DowngradeRefund(unused, unusedList, t.OldLine.Total, t.NewLine.Total); err != nil {
			return money.Amount{}, err
		}
	}
	after, err := unused.Add(charged)
	if err != nil {
		return money.Amount{}, err
	}
	if after, err = after.Sub(refund); err != nil {
		return money.Amount{}, err
	}
	oldCfg := d.Configuration
	note := "resize: " + describeConfiguration(oldCfg) + " → " + describeConfiguration(t.Configuration)
	if err := s.creditExactly(ctx, tx, acct, r, d, unused, clipText(note, invoice.MaxTextLen)); err != nil {
		return money.Amount{}, err
	}
	cat, err := s.catalogFor(acct.Currency)
	if err != nil {
		return money.Amount{}, err
	}
	price, err := cat.PricePer30Days(r.ProductID, t.Configuration)
	if err != nil {
		return money.Amount{}, err
	}
	d.Configuration, d.PricePer30Days = t.Configuration, price.Amount
	invoiceID := ""
	if after.IsPositive() {
		inv, err := s.issueValueInvoice(ctx, tx, acct, r, d, t.NewLine.Breakdown, period.Span{Start: t.Start, End: t.End}, t.NewLine.Total, after, "resize")
		if err != nil {
			return money.Amount{}, err
		}
		d.InvoiceIDs = append(d.InvoiceIDs, inv.ID)
		invoiceID = inv.ID
	}
	list, err := resizedList(unusedList, t, charged, after)
	if err != nil {
		return money.Amount{}, err
	}
	v, err := lifecycle.Rebase(now, t.End, after, list)
	if err != nil {
		return money.Amount{}, err
	}
	setValue(d, v)
	r.UpdatedAt = now
	if refund.IsPositive() {
		if err := s.refundToCash(ctx, tx, acct, refund, payment.RefResource, r.ID, clipText(note, payment.MaxMemoLen)); err != nil {
			return money.Amount{}, err
		}
	}
	if err := s.saveResource(ctx, tx, r, d, s.rules(acct, r.ProductID)); err != nil {
		return money.Amount{}, err
	}
	if err := s.emit(ctx, tx, acct.ID, r.ID, EventResize, "", ResizePayload{ResourceID: r.ID, From: oldCfg, To: t.Configuration}); err != nil {
		return money.Amount{}, err
	}
	return refund, s.logAction(ctx, tx, acct, actor, r.ID, invoice.ActionResize, oldCfg, t.Configuration,
		period.Span{Start: t.Start, End: t.End}, period.Span{Start: t.Start, End: t.End}, invoiceID, note)
}

func sameConfiguration(a, b pricing.Configuration) bool {
	if a.Plan != b.Plan {
		return false
	}
	count := func(m map[string]int64) int {
		n := 0
		for _, v := range m {
			if v != 0 {
				n++
			}
		}
		return n
	}
	if count(a.Components) != count(b.Components) {
		return false
	}
	for k, v := range a.Components {
		if v != 0 && b.Components[k] != v {
			return false
		}
	}
	return true
}

// describeConfiguration names a configuration for people: its plan, then
// its non-zero components in id order ("basic-1, ssd_gb 50").
func describeConfiguration(c pricing.Configuration) string {
	ids := make([]string, 0, len(c.Components))
	for id, n := range c.Components {
		if n != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	parts := make([]string, 0, len(ids)+1)
	if c.Plan != "" {
		parts = append(parts, c.Plan)
	}
	for _, id := range ids {
		parts = append(parts, id+" "+strconv.FormatInt(c.Components[id], 10))
	}
	if len(parts) == 0 {
		return "no configuration"
	}
	return strings.Join(parts, ", ")
}

// resizedList is the list value of the rest of the term after a resize:
// the unused list value plus the upgrade's list charge, or less the
// downgrade's list difference (never below what the customer still
// holds). So a customer who paid list price keeps holding exactly the
// list price, and one who paid half keeps holding half.
func resizedList(unusedList money.Amount, t order.Resize, charged, after money.Amount) (money.Amount, error) {
	if charged.IsPositive() {
		extra := t.ListCharge
		if extra.Currency().IsZero() || !extra.IsPositive() {
			extra = charged // an upgrade ordered before list charges were kept
		}
		return unusedList.Add(extra)
	}
	diff, err := t.OldLine.Total.Sub(t.NewLine.Total)
	if err != nil {
		return money.Amount{}, err
	}
	list, err := unusedList.Sub(diff)
	if err != nil {
		return money.Amount{}, err
	}
	return maxAmount(list, after), nil
}

// maxAmount returns the larger of two amounts of one currency.
func maxAmount(a, b money.Amount) money.Amount {
	if c, err := a.Cmp(b); err == nil && c < 0 {
		return b
	}
	return a
}
