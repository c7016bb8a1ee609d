package monthclose

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// NextDaily returns the first daily run time, Postpaid.DailyAt on the
// account's wall clock, strictly after t. Wall-clock arithmetic keeps the
// run at 09:00 local across DST changes.
func NextDaily(s *core.Env, cal period.Calendar, t time.Time) time.Time {
	loc := cal.Location()
	lt := t.In(loc)
	at := s.Cfg.Postpaid.DailyAt
	run := time.Date(lt.Year(), lt.Month(), lt.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, loc)
	if !run.After(t) {
		run = time.Date(lt.Year(), lt.Month(), lt.Day()+1, int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, loc)
	}
	return run
}

// AccountCalendar is the billing calendar of the account's zone.
func AccountCalendar(s *core.Env, acct storage.Account) period.Calendar {
	return s.Rules(acct, "").Calendar()
}

// billIssued schedules what follows an unpaid invoice, inside the
// transaction that issued it: the account's daily automatic payment (if it
// is not scheduled yet) and the invoice's overdue schedule from its due
// time. A bill issued paid (a zero total) needs neither.
func billIssued(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, inv invoice.Invoice, now time.Time) error {
	if !inv.AmountDue().IsPositive() {
		return nil
	}
	if err := EnsureCollection(ctx, s, tx, acct, now); err != nil {
		return err
	}
	if inv.DueAt.IsZero() {
		return nil
	}
	return tx.Jobs().Put(ctx, storage.Job{AccountID: acct.ID, Kind: core.JobOverdue, Key: inv.ID, DueAt: inv.DueAt,
		CreatedAt: now, UpdatedAt: now})
}

// EnsureCollection schedules the account's daily automatic invoice payment
// at the next daily run, unless it is scheduled already.
func EnsureCollection(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, now time.Time) error {
	_, err := tx.Jobs().Ensure(ctx, storage.Job{AccountID: acct.ID, Kind: core.JobCollect,
		DueAt: NextDaily(s, AccountCalendar(s, acct), now), CreatedAt: now, UpdatedAt: now})
	return err
}
