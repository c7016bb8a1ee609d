package resource

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// paidValue returns a resource's refundable value (what the customer
// actually paid for its unused time). Resources stored before the value
// was tracked get it from their invoices: what the invoices still hold
// (totals less credit notes), spread over the current term.
func paidValue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r storage.Resource, d storage.ResourceDetail) (lifecycle.PaidValue, error) {
	if d.ValueTracked {
		return d.Value, nil
	}
	if r.PeriodEnd.IsZero() || !r.PeriodStart.Before(r.PeriodEnd) {
		return lifecycle.PaidValue{}, nil
	}
	held, err := money.Zero(acct.Currency)
	if err != nil {
		return lifecycle.PaidValue{}, err
	}
	for _, id := range d.InvoiceIDs {
		rec, err := tx.Invoices().Get(ctx, acct.ID, id)
		if err != nil {
			return lifecycle.PaidValue{}, err
		}
		inv := rec.Invoice
		if inv.Kind != invoice.KindInvoice {
			continue
		}
		left, err := inv.Total.Sub(inv.AmountCredited)
		if err != nil {
			return lifecycle.PaidValue{}, err
		}
		if held, err = held.Add(left); err != nil {
			return lifecycle.PaidValue{}, err
		}
	}
	return lifecycle.Rebase(r.PeriodStart, r.PeriodEnd, held, held)
}

// listValue returns what a quote line's time costs at list price, tax
// included: its total scaled back by the discounts it got (Base ÷ the
// discounted amount, Subtotal − Discount, both before tax is added or both
// with it included). Without discounts it is exactly the line's total.
// (Net is no measure of the discounts: with tax-inclusive prices it is the
// amount without its tax, so Base ÷ Net would count the tax as a
// discount and value the time above what it cost.)
func listValue(line pricing.QuoteLine) (money.Amount, error) {
	after, err := line.Subtotal.Sub(line.Discount)
	if err != nil {
		return money.Amount{}, err
	}
	if after.Equal(line.Base) || !after.IsPositive() {
		if line.Total.IsPositive() {
			return line.Total, nil
		}
		return line.Base, nil
	}
	return line.Total.Mul(line.Base.Number()).Div(after.Number(), line.Total.Currency().Digits(), money.HalfUp)
}

// UnusedValue returns what the customer paid for the resource's time after
// t, with the value it was computed from.
func UnusedValue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r storage.Resource, d storage.ResourceDetail, t time.Time) (money.Amount, lifecycle.PaidValue, error) {
	v, err := paidValue(ctx, s, tx, acct, r, d)
	if err != nil {
		return money.Amount{}, lifecycle.PaidValue{}, err
	}
	u, err := v.Unused(acct.Currency, t)
	return u, v, err
}

// SetValue records the resource's refundable value after a change.
func SetValue(d *storage.ResourceDetail, v lifecycle.PaidValue) {
	d.Value, d.ValueTracked = v, true
}

// CreditExactly issues credit notes for exactly amount against the
// resource's invoices. The invoices always hold at least the unused value
// (every payment for the resource is invoiced and every refund credited),
// so a shortfall is a broken invariant, reported rather than papered over.
func CreditExactly(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, amount money.Amount, reason string, coded invoice.CreditReason) error {
	if !amount.IsPositive() {
		return nil
	}
	credited, err := invoicing.CreditInvoices(ctx, s, tx, acct, r, d, amount, reason, coded)
	if err != nil {
		return err
	}
	if !credited.Equal(amount) {
		return fmt.Errorf("billing: resource %q: its invoices hold %s of the %s to credit", r.ID, credited, amount)
	}
	return nil
}

// TakeValue takes amount out of a resource's unused value at now: credit
// notes against its invoices document it, and the value that remains is
// spread over the rest of the term. The caller moves the money to cash.
// amount must not exceed the unused value.
func TakeValue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, amount money.Amount, reason string, coded invoice.CreditReason) error {
	now := s.Now()
	unused, v, err := UnusedValue(ctx, s, tx, acct, *r, *d, now)
	if err != nil {
		return err
	}
	unusedList, err := v.UnusedList(acct.Currency, now)
	if err != nil {
		return err
	}
	left, err := unused.Sub(amount)
	if err != nil {
		return err
	}
	if left.IsNegative() {
		return fmt.Errorf("billing: resource %q: refund %s exceeds its unused value %s", r.ID, amount, unused)
	}
	if err := CreditExactly(ctx, s, tx, acct, r, d, amount, reason, coded); err != nil {
		return err
	}
	// The time left keeps its list price; the customer now holds less of
	// it, so later downgrades refund proportionally less.
	rest, err := lifecycle.Rebase(now, r.PeriodEnd, left, unusedList)
	if err != nil {
		return err
	}
	SetValue(d, rest)
	return nil
}
