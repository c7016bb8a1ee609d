package resource

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// MonthlyPrice is what the quoted configurations cost per 30 days, tax
// included, by the catalog of the quote's currency: the pending amount a
// postpaid purchase adds against the credit limit.
func MonthlyPrice(s *core.Env, q pricing.Quote) (money.Amount, error) {
	var k money.Calc
	total := q.Total.MulInt(0)
	cat, err := s.CatalogFor(q.Total.Currency().Code())
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
		// The line's rate: its category's, or none for an untaxed account.
		total = k.Add(total, k.Add(gross, gross.Mul(l.TaxRate).Round(money.HalfUp)))
	}
	return total, k.Err()
}

// activatePostpaid starts a provisioned postpaid resource: it runs from now
// at its configuration, with no paid term (nothing expires it), and its
// first month closes at the end of this month.
func activatePostpaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, actor string) error {
	rules := s.Rules(acct, r.ProductID)
	next, err := rules.Next(lifecycle.State(r.Status), lifecycle.EventProvisioned)
	if err != nil {
		return err
	}
	now := s.Now()
	r.Status, r.PeriodStart, r.PeriodEnd, r.UpdatedAt = next, now, time.Time{}, now
	d.Since = now
	iv, err := monthclose.PostpaidInterval(s, r.ProductID, d, now)
	if err != nil {
		return err
	}
	d.Intervals = append(d.Intervals[:0], iv)
	r.NextDueAt = monthclose.MonthCloseAt(s, rules.Calendar(), now)
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if actor == "" {
		if actor, err = invoicing.OrderActor(ctx, s, tx, acct, r.OrderID); err != nil {
			return err
		}
	}
	return invoicing.LogAction(ctx, s, tx, acct, actor, r.ID, invoice.ActionCreate, pricing.Configuration{}, d.Configuration,
		period.Span{}, period.Span{Start: now}, "", "postpaid: billed monthly in arrears")
}

// ResizePostpaid changes a postpaid resource's configuration at now:
// nothing is charged or refunded now; the configuration in force ends at
// this minute and the new one starts, so month close bills each for its
// own minutes.
func ResizePostpaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, req billingtype.ResizeRequest) error {
	if len(req.Coupons) > 0 {
		return &billingtype.RequestError{Field: "Coupons", Reason: "do not apply to a postpaid resize: the new configuration is billed by the minute at month close"}
	}
	now := s.Now()
	cat, err := s.CatalogFor(acct.Currency)
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
	iv, err := monthclose.PostpaidInterval(s, r.ProductID, d, now)
	if err != nil {
		return err
	}
	d.Intervals = append(d.Intervals, iv)
	r.UpdatedAt = now
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if err := outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventResize, "", billingtype.ResizePayload{ResourceID: r.ID, From: oldCfg, To: req.Configuration}); err != nil {
		return err
	}
	note := "resize: " + invoicing.DescribeConfiguration(oldCfg) + " → " + invoicing.DescribeConfiguration(req.Configuration)
	return invoicing.LogAction(ctx, s, tx, acct, core.OrDefault(req.Actor, acct.ID), r.ID, invoice.ActionResize, oldCfg, req.Configuration,
		period.Span{}, period.Span{Start: now}, "", core.ClipText(note, invoice.MaxTextLen))
}

// stopPostpaid ends a postpaid resource's billing at now (delete or
// release): its configuration stops at this minute and its month is still
// closed, at the usual time, to bill it to now.
func stopPostpaid(s *core.Env, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, now time.Time) {
	endInterval(d, now)
	d.StoppedAt = now
	// The next close is that of the first month not closed yet, which is
	// the month before now's when the stop falls between a month's end and
	// its close.
	cal := s.Rules(acct, r.ProductID).Calendar()
	if month, ok := monthclose.NextUnclosedMonth(r, d, cal); ok {
		r.NextDueAt = month.End.Add(s.Cfg.Postpaid.CloseDelay)
	} else {
		r.NextDueAt = time.Time{}
	}
	r.ResourceDetail = *d
}

// endInterval closes the open configuration interval at t. An interval
// that ran no time at all (started and ended at the same instant, e.g. a
// resize or delete right after provisioning) is dropped: there is nothing
// to bill for it, and an empty interval is not a valid one.
func endInterval(d *storage.ResourceDetail, t time.Time) {
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

// ErrPostpaidTerm is the refusal of term operations (renew, recover, match
// end time, automatic renewal) on a postpaid resource.
func ErrPostpaidTerm(id, op string) error {
	return fmt.Errorf("%w: resource %q is postpaid, billed monthly with no term to %s", billingtype.ErrPostpaidResource, id, op)
}

// DeletePostpaid deletes a postpaid resource: nothing is refunded (nothing
// was paid in advance); its billing stops at this minute and its month is
// still closed to bill it to now.
func DeletePostpaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	from, to lifecycle.State, req billingtype.DeleteRequest) error {
	now := s.Now()
	r.Status, r.UpdatedAt = to, now
	stopPostpaid(s, acct, r, d, now)
	if err := outbox.HostEffects(ctx, s, tx, acct, r, from, to); err != nil {
		return err
	}
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	return invoicing.LogAction(ctx, s, tx, acct, req.Actor, r.ID, invoice.ActionDelete, d.Configuration, pricing.Configuration{},
		period.Span{Start: r.PeriodStart}, period.Span{}, "", req.Reason)
}
