package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// placePostpaidOrder records a postpaid account's checkout inside its
// transaction (the account locked): nothing is paid now, so the purchase
// is first checked against the overdue block and the credit limit, then
// the order is recorded with nothing due and settled at once, and its
// resources go to provisioning. They are billed in arrears at month close
// from the minute they are provisioned. Coupons are reserved now and
// consumed by the order; each resource's share comes off its bills.
func (s *System) placePostpaidOrder(ctx context.Context, tx storage.Tx, acct Account, req CheckoutRequest) (placedOrder, error) {
	q, cres, err := s.priceOrder(ctx, tx, acct, req)
	if err != nil {
		return placedOrder{}, err
	}
	if !req.ExpectedTotal.IsZero() && !req.ExpectedTotal.Equal(q.Total) {
		return placedOrder{}, &QuoteChangedError{Expected: req.ExpectedTotal, Current: q.Total}
	}
	monthly, err := s.monthlyPrice(q)
	if err != nil {
		return placedOrder{}, err
	}
	if err := s.checkPostpaidPurchase(ctx, tx, acct, monthly); err != nil {
		return placedOrder{}, err
	}
	now := s.now()
	orderID, err := s.newID("ord")
	if err != nil {
		return placedOrder{}, err
	}
	detail := order.Detail{Kind: order.KindCreate, Items: req.Items, Coupons: req.Coupons, Quote: q, Actor: orDefault(req.Actor, acct.ID)}
	// Nothing is due on the order itself: its resources are billed by
	// month, so the order is not an obligation a payment could settle.
	if err := tx.Orders().Create(ctx, storage.Order{ID: orderID, AccountID: acct.ID, Status: order.StatusPending,
		Total: q.Total.MulInt(0), Detail: detail, CreatedAt: now, UpdatedAt: now}); err != nil {
		return placedOrder{}, err
	}
	for _, a := range cres.Applied {
		rid, err := s.newID("rdm")
		if err != nil {
			return placedOrder{}, err
		}
		if err := tx.Redemptions().Create(ctx, storage.Redemption{ID: rid, Code: a.Code, AccountID: acct.ID, OrderID: orderID,
			Status: redemptionReserved, Amount: a.Amount, CreatedAt: now, UpdatedAt: now}); err != nil {
			return placedOrder{}, err
		}
	}
	if err := s.createResources(ctx, tx, acct, orderID, q, cres, true); err != nil {
		return placedOrder{}, err
	}
	return placedOrder{OrderID: orderID}, s.orderPaid(ctx, tx, acct, orderID, nil)
}

// monthlyPrice is what the quoted configurations cost per 30 days, tax
// included, by the catalog of the quote's currency: the pending amount a
// postpaid purchase adds against the credit limit.
func (s *System) monthlyPrice(q pricing.Quote) (money.Amount, error) {
	var k money.Calc
	total := q.Total.MulInt(0)
	cat, err := s.catalogFor(q.Total.Currency().Code())
	if err != nil {
		return money.Amount{}, err
	}
	for _, l := range q.Lines {
		p, err := cat.PricePer30Days(l.ProductID, l.Configuration)
		if err != nil {
			return money.Amount{}, err
		}
		gross := p.Amount.MulInt(int64(max(l.Quantity, 1)))
		if cat.Tax().Mode == pricing.TaxInclusive {
			total = k.Add(total, gross) // the price includes its tax
			continue
		}
		total = k.Add(total, k.Add(gross, gross.Mul(cat.Tax().Rate).Round(money.HalfUp)))
	}
	return total, k.Err()
}

// activatePostpaid starts a provisioned postpaid resource: it runs from now
// at its configuration, with no paid term (nothing expires it), and its
// first month closes at the end of this month.
func (s *System) activatePostpaid(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, actor string) error {
	rules := s.rules(acct, r.ProductID)
	next, err := rules.Next(lifecycle.State(r.Status), lifecycle.EventProvisioned)
	if err != nil {
		return err
	}
	now := s.now()
	r.Status, r.PeriodStart, r.PeriodEnd, r.UpdatedAt = next, now, time.Time{}, now
	d.Since = now
	iv, err := s.postpaidInterval(d, now)
	if err != nil {
		return err
	}
	d.Intervals = append(d.Intervals[:0], iv)
	r.NextDueAt = s.monthCloseAt(rules.Calendar(), now)
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if actor == "" {
		if actor, err = s.orderActor(ctx, tx, acct, r.OrderID); err != nil {
			return err
		}
	}
	return s.logAction(ctx, tx, acct, actor, r.ID, invoice.ActionCreate, pricing.Configuration{}, d.Configuration,
		period.Span{}, period.Span{Start: now}, "", "postpaid: billed monthly in arrears")
}

// resizePostpaid changes a postpaid resource's configuration at now:
// nothing is charged or refunded now; the configuration in force ends at
// this minute and the new one starts, so month close bills each for its
// own minutes.
func (s *System) resizePostpaid(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, req ResizeRequest) error {
	if len(req.Coupons) > 0 {
		return &RequestError{Field: "Coupons", Reason: "do not apply to a postpaid resize: the new configuration is billed by the minute at month close"}
	}
	now := s.now()
	cat, err := s.catalogFor(acct.Currency)
	if err != nil {
		return err
	}
	price, err := cat.PricePer30Days(r.ProductID, req.Configuration)
	if err != nil {
		return err
	}
	oldCfg := d.Configuration
	endInterval(d, now)
	d.Configuration, d.PricePer30Days = req.Configuration, price.Amount
	iv, err := s.postpaidInterval(d, now)
	if err != nil {
		return err
	}
	d.Intervals = append(d.Intervals, iv)
	r.UpdatedAt = now
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if err := s.emit(ctx, tx, acct.ID, r.ID, EventResize, "", ResizePayload{ResourceID: r.ID, From: oldCfg, To: req.Configuration}); err != nil {
		return err
	}
	note := "resize: " + describeConfiguration(oldCfg) + " → " + describeConfiguration(req.Configuration)
	return s.logAction(ctx, tx, acct, orDefault(req.Actor, acct.ID), r.ID, invoice.ActionResize, oldCfg, req.Configuration,
		period.Span{}, period.Span{Start: now}, "", clipText(note, invoice.MaxTextLen))
}

// stopPostpaid ends a postpaid resource's billing at now (delete or
// release): its configuration stops at this minute and its month is still
// closed, at the usual time, to bill it to now.
func (s *System) stopPostpaid(acct Account, r *storage.Resource, d *resourceData, now time.Time) {
	endInterval(d, now)
	d.StoppedAt = now
	// The next close is that of the first month not closed yet, which is
	// the month before now's when the stop falls between a month's end and
	// its close.
	cal := s.rules(acct, r.ProductID).Calendar()
	if month, ok := nextUnclosedMonth(r, d, cal); ok {
		r.NextDueAt = month.End.Add(s.cfg.Postpaid.CloseDelay)
	} else {
		r.NextDueAt = time.Time{}
	}
	r.ResourceDetail = *d
}

// endInterval closes the open configuration interval at t. An interval
// that ran no time at all (started and ended at the same instant, e.g. a
// resize or delete right after provisioning) is dropped: there is nothing
// to bill for it, and an empty interval is not a valid one.
func endInterval(d *resourceData, t time.Time) {
	n := len(d.Intervals)
	if n == 0 || !d.Intervals[n-1].To.IsZero() {
		return
	}
	if !t.After(d.Intervals[n-1].From) {
		d.Intervals = d.Intervals[:n-1]
		return
	}
	d.Intervals[n-1].To = t
}

// errPostpaidTerm is the refusal of term operations (renew, recover, match
// end time, automatic renewal) on a postpaid resource.
func errPostpaidTerm(id, op string) error {
	return fmt.Errorf("%w: resource %q is postpaid, billed monthly with no term to %s", ErrPostpaidResource, id, op)
}

// deletePostpaid deletes a postpaid resource: nothing is refunded (nothing
// was paid in advance); its billing stops at this minute and its month is
// still closed to bill it to now.
func (s *System) deletePostpaid(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	from, to lifecycle.State, req DeleteRequest) error {
	now := s.now()
	r.Status, r.UpdatedAt = to, now
	s.stopPostpaid(acct, r, d, now)
	if err := s.hostEffects(ctx, tx, acct, r, from, to); err != nil {
		return err
	}
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	return s.logAction(ctx, tx, acct, req.Actor, r.ID, invoice.ActionDelete, d.Configuration, pricing.Configuration{},
		period.Span{Start: r.PeriodStart}, period.Span{}, "", req.Reason)
}
