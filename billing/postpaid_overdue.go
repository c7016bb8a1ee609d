package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// The notices of the overdue schedule.
const (
	// NoticeOverdueCharge: an overdue bill's charge attempt ran; Detail
	// says what was paid and what is still owed.
	NoticeOverdueCharge NoticeKind = "overdue_charge"
	// NoticeOverdueSuspended: the account's resources were suspended
	// because a bill is unpaid past the suspension day.
	NoticeOverdueSuspended NoticeKind = "overdue_suspended"
	// NoticeOverdueReleased: the suspended resources were released.
	NoticeOverdueReleased NoticeKind = "overdue_released"
)

// runOverdue takes one unpaid bill through the overdue schedule
// (Postpaid.Overdue, days from its due time T in the account's zone):
// charge attempts at T, T+7 and T+14 from the available credit, partial
// payments included; at T+15 the account's running postpaid resources are
// suspended (their billing pauses); 15 days later the suspended ones are
// released. An attempt or step whose time has passed is done once, late;
// earlier missed attempts are skipped. A paid bill ends the schedule
// (invoiceSettledByPayment also resumes what it suspended).
func (s *System) runOverdue(ctx context.Context, tx storage.Tx, acct Account, j storage.Job, now time.Time, rep *TickReport, out *jobOutcome) (*storage.Job, error) {
	rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, j.Key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !rec.AmountDue().IsPositive() || rec.DueAt.IsZero() {
		return nil, nil
	}
	cal := s.accountCalendar(acct)
	policy := *s.cfg.Postpaid.Overdue
	progress := lifecycle.OverdueProgress{AttemptsDone: j.Step, SuspendedAt: j.Since}
	step, err := lifecycle.NextOverdueStep(policy, cal, rec.DueAt, now, progress)
	if err != nil {
		return nil, err
	}
	if step.Action == lifecycle.OverdueNone {
		return nil, nil
	}
	if step.Due {
		rep.OverdueSteps++
		switch step.Action {
		case lifecycle.OverdueCharge:
			paid, err := s.overdueCharge(ctx, tx, acct, rec.Invoice, step, out)
			if err != nil {
				return nil, err
			}
			if paid {
				return nil, nil // the payment ended the schedule
			}
			j.Step = step.Attempt + 1
		case lifecycle.OverdueSuspend:
			if err := s.suspendForOverdue(ctx, tx, acct, rec.Invoice, now); err != nil {
				return nil, err
			}
			j.Since = now
		case lifecycle.OverdueRelease:
			return nil, s.releaseAfterOverdue(ctx, tx, acct, rec.Invoice, now)
		}
		progress = lifecycle.OverdueProgress{AttemptsDone: j.Step, SuspendedAt: j.Since}
		if step, err = lifecycle.NextOverdueStep(policy, cal, rec.DueAt, now, progress); err != nil {
			return nil, err
		}
		if step.Action == lifecycle.OverdueNone {
			return nil, nil
		}
	}
	j.DueAt = step.At
	if step.Due {
		j.DueAt = now // another step is due at once (a late schedule catching up)
	}
	return &j, nil
}

// overdueCharge is one charge attempt of an overdue bill: as much of what
// is outstanding as the available credit covers, and, with
// Postpaid.ChargeLinkedAccount, the rest on the default linked account (a
// payment placed here and sent to the gateway after commit, out.charge).
// It reports whether the bill is paid in full now. The customer is told
// either way.
func (s *System) overdueCharge(ctx context.Context, tx storage.Tx, acct Account, inv invoice.Invoice, step lifecycle.OverdueStep, out *jobOutcome) (bool, error) {
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return false, err
	}
	due := inv.AmountDue()
	toPay := ws.wallet.Available(s.now())
	if c, err := toPay.Cmp(due); err != nil {
		return false, err
	} else if c > 0 {
		toPay = due
	}
	left := due
	detail := fmt.Sprintf("attempt %d for invoice %s: nothing paid from credit", step.Attempt+1, inv.DisplayNumber())
	if toPay.IsPositive() {
		if _, err := s.payInvoiceFromCredit(ctx, tx, acct, inv.ID, toPay, "overdue charge"); err != nil {
			return false, err
		}
		if left, err = due.Sub(toPay); err != nil {
			return false, err
		}
		detail = fmt.Sprintf("attempt %d for invoice %s: %s paid from credit", step.Attempt+1, inv.DisplayNumber(), toPay)
	}
	if left.IsPositive() && s.cfg.Postpaid.ChargeLinkedAccount {
		linked, err := s.hasDefaultLinked(ctx, tx, acct.ID)
		if err != nil {
			return false, err
		}
		if linked {
			p, err := s.preparePayment(ctx, tx, acct, PayRequest{AccountID: acct.ID, Amount: left, Method: payment.MethodLinkedAccount,
				Purpose:     payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.ID},
				Description: clipText(fmt.Sprintf("overdue charge of invoice %s on the linked account", inv.ID), payment.MaxMemoLen)})
			if err != nil {
				return false, err
			}
			out.charge = p.ID
			detail += fmt.Sprintf(", %s charged to the linked account", left)
		}
	}
	if out.charge == "" {
		detail += fmt.Sprintf(", %s outstanding", left)
	}
	return !left.IsPositive(), s.emit(ctx, tx, acct.ID, acct.ID, EventNotice, step.Key+":"+inv.ID, NoticePayload{Notice: NoticeOverdueCharge,
		Detail: detail, PeriodEnd: inv.DueAt})
}

// suspendForOverdue suspends every running postpaid resource of the
// account: the host stops it (EventSuspend) and its billing pauses at this
// minute.
func (s *System) suspendForOverdue(ctx context.Context, tx storage.Tx, acct Account, inv invoice.Invoice, now time.Time) error {
	n, err := s.eachPostpaid(ctx, tx, acct, lifecycle.StateActive, func(r *storage.Resource, d *resourceData) error {
		endInterval(d, now)
		return s.moveByOverdue(ctx, tx, acct, r, d, lifecycle.EventOverdue, now)
	})
	if err != nil || n == 0 {
		return err
	}
	return s.emit(ctx, tx, acct.ID, acct.ID, EventNotice, "overdue_suspended:"+inv.ID, NoticePayload{Notice: NoticeOverdueSuspended,
		Detail: fmt.Sprintf("%d resources suspended: invoice %s is unpaid past due", n, inv.DisplayNumber()), PeriodEnd: inv.DueAt})
}

// releaseAfterOverdue releases the account's suspended postpaid resources
// at the end of the overdue schedule: the host deletes them
// (EventRelease); their month is still closed and billed.
func (s *System) releaseAfterOverdue(ctx context.Context, tx storage.Tx, acct Account, inv invoice.Invoice, now time.Time) error {
	n, err := s.eachPostpaid(ctx, tx, acct, lifecycle.StateSuspended, func(r *storage.Resource, d *resourceData) error {
		s.stopPostpaid(acct, r, d, now)
		return s.moveByOverdue(ctx, tx, acct, r, d, lifecycle.EventSuspensionEnded, now)
	})
	if err != nil || n == 0 {
		return err
	}
	return s.emit(ctx, tx, acct.ID, acct.ID, EventNotice, "overdue_released:"+inv.ID, NoticePayload{Notice: NoticeOverdueReleased,
		Detail: fmt.Sprintf("%d resources released: invoice %s stayed unpaid", n, inv.DisplayNumber()), PeriodEnd: inv.DueAt})
}

// resumeIfNoLongerOverdue starts the account's overdue-suspended postpaid
// resources again when none of its open bills is past its suspension day
// any more, and restarts the suspension step of the bills still in their
// schedule.
func (s *System) resumeIfNoLongerOverdue(ctx context.Context, tx storage.Tx, acct Account) error {
	now := s.now()
	open, err := tx.Invoices().Open(ctx, acct.ID, maxOpenScan)
	if err != nil {
		return err
	}
	cal := s.accountCalendar(acct)
	for _, inv := range open {
		if !inv.DueAt.IsZero() && !now.Before(cal.AddDays(inv.DueAt, s.cfg.Postpaid.Overdue.SuspendAfterDays)) {
			return nil // still overdue past suspension: stay suspended
		}
	}
	n, err := s.eachPostpaid(ctx, tx, acct, lifecycle.StateSuspended, func(r *storage.Resource, d *resourceData) error {
		iv, err := s.postpaidInterval(d, now)
		if err != nil {
			return err
		}
		d.Intervals = append(d.Intervals, iv)
		return s.moveByOverdue(ctx, tx, acct, r, d, lifecycle.EventOverduePaid, now)
	})
	if err != nil || n == 0 {
		return err
	}
	jobs, err := tx.Jobs().List(ctx, acct.ID, jobOverdue)
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
func (s *System) eachPostpaid(ctx context.Context, tx storage.Tx, acct Account, state lifecycle.State,
	fn func(r *storage.Resource, d *resourceData) error) (int, error) {
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
// tells the host (hostEffects), stores it and records the action.
func (s *System) moveByOverdue(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
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
	if err := s.emitHostActions(ctx, tx, acct, r, from, to, actions); err != nil {
		return err
	}
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	kind := map[lifecycle.Event]invoice.ActionKind{lifecycle.EventOverdue: invoice.ActionSuspend,
		lifecycle.EventOverduePaid: invoice.ActionResume, lifecycle.EventSuspensionEnded: invoice.ActionRelease}[ev]
	return s.logAction(ctx, tx, acct, ActorOverdue, r.ID, kind, d.Configuration, d.Configuration,
		periodOf(r), periodOf(r), "", "overdue schedule: "+string(ev))
}

// periodOf is a resource's current span as the action log records it
// (open-ended for a postpaid resource).
func periodOf(r *storage.Resource) period.Span {
	return period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
}
