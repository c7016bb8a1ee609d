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
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// SuspendForOverdue suspends every running postpaid resource of the
// account: the host stops it (EventSuspend) and its billing pauses at this
// minute.
func SuspendForOverdue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, inv invoice.Invoice, now time.Time) error {
	n, err := eachPostpaid(ctx, s, tx, acct, lifecycle.StateActive, func(r *storage.Resource, d *storage.ResourceDetail) error {
		endInterval(d, now)
		return moveByOverdue(ctx, s, tx, acct, r, d, lifecycle.EventOverdue, now)
	})
	if err != nil || n == 0 {
		return err
	}
	return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventNotice, "overdue_suspended:"+inv.ID, outbox.Zoned(s, acct, billingtype.NoticePayload{Notice: billingtype.NoticeOverdueSuspended,
		Detail: fmt.Sprintf("%d resources suspended: invoice %s is unpaid past due", n, inv.DisplayNumber()), PeriodEnd: inv.DueAt}))
}

// ReleaseAfterOverdue releases the account's suspended postpaid resources
// at the end of the overdue schedule: the host deletes them
// (EventRelease); their month is still closed and billed.
func ReleaseAfterOverdue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, inv invoice.Invoice, now time.Time) error {
	n, err := eachPostpaid(ctx, s, tx, acct, lifecycle.StateSuspended, func(r *storage.Resource, d *storage.ResourceDetail) error {
		stopPostpaid(s, acct, r, d, now)
		return moveByOverdue(ctx, s, tx, acct, r, d, lifecycle.EventSuspensionEnded, now)
	})
	if err != nil || n == 0 {
		return err
	}
	return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventNotice, "overdue_released:"+inv.ID, outbox.Zoned(s, acct, billingtype.NoticePayload{Notice: billingtype.NoticeOverdueReleased,
		Detail: fmt.Sprintf("%d resources released: invoice %s stayed unpaid", n, inv.DisplayNumber()), PeriodEnd: inv.DueAt}))
}

// ResumeIfNoLongerOverdue starts the account's overdue-suspended postpaid
// resources again when none of its open bills is past its suspension day
// any more, and restarts the suspension step of the bills still in their
// schedule.
func ResumeIfNoLongerOverdue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account) error {
	now := s.Now()
	open, err := tx.Invoices().Open(ctx, acct.ID, core.MaxOpenScan)
	if err != nil {
		return err
	}
	cal := monthclose.AccountCalendar(s, acct)
	for _, inv := range open {
		if !inv.DueAt.IsZero() && !now.Before(cal.AddDays(inv.DueAt, s.Cfg.Postpaid.Overdue.SuspendAfterDays)) {
			return nil // still overdue past suspension: stay suspended
		}
	}
	n, err := eachPostpaid(ctx, s, tx, acct, lifecycle.StateSuspended, func(r *storage.Resource, d *storage.ResourceDetail) error {
		iv, err := monthclose.PostpaidInterval(s, r.ProductID, d, now)
		if err != nil {
			return err
		}
		d.Intervals = append(d.Intervals, iv)
		return moveByOverdue(ctx, s, tx, acct, r, d, lifecycle.EventOverduePaid, now)
	})
	if err != nil || n == 0 {
		return err
	}
	jobs, err := tx.Jobs().List(ctx, acct.ID, core.JobOverdue)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if !j.Since.IsZero() {
			j.Since, j.UpdatedAt = time.Time{}, now
			if err := tx.Jobs().Put(ctx, j); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachPostpaid calls fn for every postpaid resource of the account in
// state and stores what fn changed; it returns how many there were.
func eachPostpaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, state lifecycle.State,
	fn func(r *storage.Resource, d *storage.ResourceDetail) error) (int, error) {
	n, after := 0, ""
	for {
		page, err := tx.Resources().List(ctx, acct.ID, after, 1000)
		if err != nil {
			return n, err
		}
		for _, listed := range page {
			if !listed.Postpaid || listed.Status != state {
				continue
			}
			r, err := tx.Resources().GetForUpdate(ctx, acct.ID, listed.ID)
			if err != nil {
				return n, err
			}
			d := r.ResourceDetail
			if err := fn(&r, &d); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < 1000 {
			return n, nil
		}
		after = page[len(page)-1].ID
	}
}

// moveByOverdue applies an overdue-schedule event to a postpaid resource,
// tells the host (HostEffects), stores it and records the action.
func moveByOverdue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	ev lifecycle.Event, now time.Time) error {
	from := lifecycle.State(r.Status)
	to, err := lifecycle.Next(from, ev)
	if err != nil {
		return err
	}
	r.Status, r.UpdatedAt = to, now
	r.ResourceDetail = *d
	actions, err := lifecycle.EffectsOf(ev, from, to)
	if err != nil {
		return err
	}
	if err := outbox.EmitHostActions(ctx, s, tx, acct, r, from, to, actions); err != nil {
		return err
	}
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	kind := map[lifecycle.Event]invoice.ActionKind{lifecycle.EventOverdue: invoice.ActionSuspend,
		lifecycle.EventOverduePaid: invoice.ActionResume, lifecycle.EventSuspensionEnded: invoice.ActionRelease}[ev]
	return invoicing.LogAction(ctx, s, tx, acct, billingtype.ActorOverdue, r.ID, kind, d.Configuration, d.Configuration,
		periodOf(r), periodOf(r), "", "overdue schedule: "+string(ev))
}

// periodOf is a resource's current span as the action log records it
// (open-ended for a postpaid resource).
func periodOf(r *storage.Resource) period.Span {
	return period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
}
