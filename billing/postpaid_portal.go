package billing

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/postpaid"
	"github.com/cloudbill/cloudbill/billing/internal/usage"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// PreviewBill returns the next bill of a postpaid resource as it would be
// if its month — the oldest one not yet closed, which is the previous
// month between its end and its close — closed now (a dry run that stores
// nothing): the
// configuration intervals to now, the usage so far, its coupons, priced
// exactly as month close prices them. The result is a draft invoice with
// no id or number; ok is false when nothing has run up this month yet.
// Errors: ErrAccountNotFound, ErrResourceNotFound, and ErrInvalidRequest
// for a prepaid resource.
func (s *System) PreviewBill(ctx context.Context, accountID, resourceID string) (bill invoice.Invoice, ok bool, err error) {
	ctx, op := s.env.Tel.Start(ctx, "PreviewBill")
	defer op.End(&err)
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		r, err := tx.Resources().Get(ctx, acct.ID, resourceID)
		if err != nil {
			return core.MapNotFound(err, ErrResourceNotFound, resourceID)
		}
		d := r.ResourceDetail
		if !d.Postpaid {
			return monthclose.ErrNotPostpaid(resourceID)
		}
		now := s.env.Now()
		cal := s.env.Rules(acct, r.ProductID).Calendar()
		month, open := monthclose.NextUnclosedMonth(&r, &d, cal)
		if !open || !now.After(month.Start) {
			return nil
		}
		b, billed, err := monthclose.MonthBill(ctx, s.env, tx, acct, &r, &d, month, now)
		if err != nil || !billed {
			return err
		}
		if bill, err = monthclose.BillDraft(s.env, acct, &r, &d, b, "preview_"+r.ID, now); err != nil {
			return err
		}
		bill.ID, ok = "", true
		bill = core.InvoiceInZone(bill, s.env.Zone(acct))
		return nil
	})
	return bill, ok, err
}

// OpenInvoice is an invoice the customer still owes on, for the portal.
type OpenInvoice struct {
	Invoice invoice.Invoice `json:"invoice"`
	// Outstanding is what is left to pay.
	Outstanding money.Amount `json:"outstanding"`
	// Overdue says the due time has passed.
	Overdue bool `json:"overdue"`
	// TimeZone names the account's billing zone, the invoice's times' zone.
	TimeZone string `json:"time_zone"`
}

// OpenBalance is what an account still owes on its invoices.
type OpenBalance struct {
	// Invoices are the Unpaid and Partially paid invoices, oldest first
	// (at most 1,000).
	Invoices []OpenInvoice `json:"invoices"`
	// Outstanding is the total left to pay on them, in the account's
	// currency; zero when nothing is open.
	Outstanding money.Amount `json:"outstanding"`
}

// OpenInvoices returns the account's Unpaid and Partially paid invoices,
// oldest first (at most 1,000), each with what is left to pay, and the
// total outstanding. The list is whole, not paged.
func (s *System) OpenInvoices(ctx context.Context, accountID string) (_ OpenBalance, err error) {
	ctx, op := s.env.Tel.Start(ctx, "OpenInvoices")
	defer op.End(&err)
	var out []OpenInvoice
	var total money.Amount
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		open, err := tx.Invoices().Open(ctx, acct.ID, core.MaxOpenScan)
		if err != nil {
			return err
		}
		if total, err = money.Zero(acct.Currency); err != nil {
			return err
		}
		out = out[:0]
		now, loc := s.env.Now(), s.env.Zone(acct)
		var k money.Calc
		for _, rec := range open {
			due := rec.AmountDue()
			total = k.Add(total, due)
			out = append(out, OpenInvoice{Invoice: core.InvoiceInZone(rec.Invoice, loc), Outstanding: due,
				Overdue: !rec.DueAt.IsZero() && rec.DueAt.Before(now), TimeZone: core.ZoneName(loc)})
		}
		return k.Err()
	})
	if err != nil {
		return OpenBalance{}, err
	}
	if out == nil {
		out = []OpenInvoice{}
	}
	return OpenBalance{Invoices: out, Outstanding: total}, nil
}

// UsageHold is a prepaid account's credit hold for its metered usage, for
// the portal.
type UsageHold struct {
	// Held is the credit held now; zero without a hold.
	Held money.Amount `json:"held"`
	// Since is when the hold was last computed; zero before the first.
	Since time.Time `json:"since,omitzero"`
	// ShortDays is the current streak of days the credit fell short.
	ShortDays int `json:"short_days"`
	// UsageSoFar is the priced usage of the account's prepaid resources
	// this month, not yet settled, which the hold covers with the
	// estimate of the next days.
	UsageSoFar money.Amount `json:"usage_so_far"`
	// NextRun is when the hold is computed next; zero when none is
	// scheduled.
	NextRun time.Time `json:"next_run,omitzero"`
}

// UsageHold returns the account's credit hold and what it covers.
func (s *System) UsageHold(ctx context.Context, accountID string) (_ UsageHold, err error) {
	ctx, op := s.env.Tel.Start(ctx, "UsageHold")
	defer op.End(&err)
	var out UsageHold
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		zero, err := money.Zero(acct.Currency)
		if err != nil {
			return err
		}
		out = UsageHold{Held: zero, UsageSoFar: zero}
		j, err := tx.Jobs().Get(ctx, acct.ID, core.JobHold, "")
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return err
		default:
			out.Since, out.ShortDays, out.NextRun = j.Since, j.Step, j.DueAt
			if !j.Since.IsZero() {
				e, err := ledger.FindEntry(ctx, tx, acct.ID, ledger.HoldEntryID(acct.ID, j.Since))
				if err != nil && !errors.Is(err, storage.ErrNotFound) {
					return err
				}
				out.Held = postpaid.HeldBy(e, acct.Currency)
				if _, released := ledger.FindEntry(ctx, tx, acct.ID, ledger.EntryID(payment.EntryRelease, e.ID)); released == nil {
					out.Held = zero
				}
			}
		}
		now := s.env.Now()
		u, err := usage.PrepaidUsage(ctx, s.env, tx, acct, period.Span{Start: monthclose.AccountCalendar(s.env, acct).MonthStart(now), End: now})
		if err != nil || len(u.Events) == 0 {
			return err
		}
		in, err := usage.HoldInput(s.env, u, monthclose.AccountCalendar(s.env, acct), monthclose.AccountCalendar(s.env, acct).MonthStart(now), now)
		if err != nil {
			return err
		}
		out.UsageSoFar = in.UsageSoFar
		return nil
	})
	return out, err
}
