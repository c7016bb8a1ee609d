package ordering

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// ResizeOutcome is what a resize stored with its idempotency key: the
// order and payment of an upgrade, the price difference, what was charged
// and what a downgrade refunded to credit.
type ResizeOutcome struct {
	OrderID    string       `json:"order_id"`
	PaymentID  string       `json:"payment_id,omitempty"`
	Difference money.Amount `json:"difference"`
	Charged    money.Amount `json:"charged"`
	Refunded   money.Amount `json:"refunded"`
}

// Resize changes a resource's configuration for the rest of its term
// (Resize's transaction body): a postpaid resource's next interval, a
// prepaid downgrade refunded to credit at once, or a prepaid upgrade
// ordered for the difference with the request's coupons, to be paid as
// the request says.
func Resize(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.ResizeRequest) (ResizeOutcome, error) {
	acct, r, d, err := txn.LockResource(ctx, tx, req.AccountID, req.ResourceID)
	if err != nil {
		return ResizeOutcome{}, err
	}
	if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventResize); err != nil {
		return ResizeOutcome{}, err
	}
	if resource.SameConfiguration(d.Configuration, req.Configuration) {
		return ResizeOutcome{}, billingtype.ErrSameConfiguration
	}
	if d.Postpaid {
		if err := refusePostpaidUpgrade(ctx, s, tx, acct, &r, &d, req.Configuration); err != nil {
			return ResizeOutcome{}, err
		}
		zero := d.PricePer30Days.MulInt(0)
		return ResizeOutcome{Difference: zero, Charged: zero, Refunded: zero}, resource.ResizePostpaid(ctx, s, tx, acct, &r, &d, req)
	}
	now := s.Now()
	if !now.Before(r.PeriodEnd) {
		return ResizeOutcome{}, fmt.Errorf("%w: the term ended at %s", lifecycle.ErrTermEnded, r.PeriodEnd.Format(time.RFC3339))
	}
	span := period.Span{Start: now, End: r.PeriodEnd}
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return ResizeOutcome{}, err
	}
	q, err := cat.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
		{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Span: span},
		{ProductID: r.ProductID, Configuration: req.Configuration, Quantity: 1, Span: span},
	}, TaxTreatment: acct.TaxTreatment})
	if err != nil {
		return ResizeOutcome{}, err
	}
	oldLine, newLine := q.Lines[0], q.Lines[1]
	diff, err := newLine.Net.Sub(oldLine.Net)
	if err != nil {
		return ResizeOutcome{}, err
	}
	diffTotal, err := newLine.Total.Sub(oldLine.Total)
	if err != nil {
		return ResizeOutcome{}, err
	}
	target := order.Resize{ResourceID: r.ID, Configuration: req.Configuration, OldLine: oldLine, NewLine: newLine, Start: now, End: r.PeriodEnd}
	zero := diff.MulInt(0)
	if !diffTotal.IsPositive() && len(req.Coupons) > 0 {
		return ResizeOutcome{}, &billingtype.RequestError{Field: "Coupons", Reason: "apply to upgrades only: a downgrade charges nothing"}
	}
	if !diffTotal.IsPositive() {
		refund, err := resource.ApplyResize(ctx, s, tx, acct, &r, &d, target, zero, core.OrDefault(req.Actor, acct.ID))
		if err != nil {
			return ResizeOutcome{}, err
		}
		return ResizeOutcome{Difference: diff, Charged: zero, Refunded: refund}, nil
	}
	target.ListCharge = diffTotal
	// Resize coupons discount the upgrade: evaluated on the difference,
	// they are taken off the new invoice's line, so the charge (new
	// invoice − credit note) drops by the discount and its tax.
	discounts, cres, err := ApplyCoupons(ctx, s, tx, acct, coupon.ActionResize, req.Coupons,
		[]pricing.QuoteLine{{ProductID: r.ProductID, Subtotal: diff}})
	if err != nil {
		return ResizeOutcome{}, err
	}
	if len(discounts) > 0 {
		dq, err := cat.Quote(pricing.QuoteRequest{
			Items:        []pricing.QuoteItem{{ProductID: r.ProductID, Configuration: req.Configuration, Quantity: 1, Span: span}},
			Discounts:    []pricing.Discount{{Code: discounts[0].Code, Label: discounts[0].Label, Amount: cres.Total}},
			TaxTreatment: acct.TaxTreatment,
		})
		if err != nil {
			return ResizeOutcome{}, err
		}
		target.NewLine = dq.Lines[0]
		if diffTotal, err = target.NewLine.Total.Sub(oldLine.Total); err != nil {
			return ResizeOutcome{}, err
		}
		if !diffTotal.IsPositive() {
			diffTotal = zero
		}
	}
	diffNet, err := target.NewLine.Net.Sub(oldLine.Net)
	if err != nil {
		return ResizeOutcome{}, err
	}
	diffTax, err := diffTotal.Sub(diffNet)
	if err != nil {
		return ResizeOutcome{}, err
	}
	couponOff := zero
	if !cres.Total.Currency().IsZero() {
		couponOff = cres.Total
	}
	charge := pricing.Quote{Currency: q.Currency, TaxPolicy: q.TaxPolicy, Lines: []pricing.QuoteLine{target.NewLine},
		Subtotal: diff, Discount: couponOff, Net: diffNet, Tax: diffTax, Total: diffTotal}
	placed, err := RecordResizeOrder(ctx, s, tx, acct, req, charge, target, cres)
	return ResizeOutcome{OrderID: placed.OrderID, PaymentID: placed.PaymentID, Difference: diff, Charged: diffTotal, Refunded: zero}, err
}

// refusePostpaidUpgrade refuses a postpaid resize that adds charges — the
// new configuration costs more per 30 days than the one in force — while
// the account is overdue (RefuseWhileOverdue). A downgrade, or a change
// at the same price, is allowed: it adds nothing to what the account
// owes.
func refusePostpaidUpgrade(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	cfg pricing.Configuration) error {
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return err
	}
	price, err := cat.PricePer30Days(r.ProductID, cfg)
	if err != nil {
		return err
	}
	if c, err := price.Amount.Cmp(d.PricePer30Days); err != nil || c <= 0 {
		return err
	}
	return RefuseWhileOverdue(ctx, s, tx, acct)
}
