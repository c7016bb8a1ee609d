package postpaid

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// runOverdue takes one unpaid bill through the overdue schedule
// (Postpaid.Overdue, days from its due time T in the account's zone):
// charge attempts at T, T+7 and T+14 from the available credit, partial
// payments included; at T+15 the account's running postpaid resources are
// suspended (their billing pauses); 15 days later the suspended ones are
// released. An attempt or step whose time has passed is done once, late;
// earlier missed attempts are skipped. A paid bill ends the schedule
// (invoiceSettledByPayment also resumes what it suspended).
func runOverdue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, j storage.Job, now time.Time, rep *billingtype.TickReport, out *JobOutcome) (*storage.Job, error) {
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
	cal := monthclose.AccountCalendar(s, acct)
	policy := *s.Cfg.Postpaid.Overdue
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
			paid, err := overdueCharge(ctx, s, tx, acct, rec.Invoice, step, out)
			if err != nil {
				return nil, err
			}
			if paid {
				return nil, nil // the payment ended the schedule
			}
			j.Step = step.Attempt + 1
		case lifecycle.OverdueSuspend:
			if err := resource.SuspendForOverdue(ctx, s, tx, acct, rec.Invoice, now); err != nil {
				return nil, err
			}
			j.Since = now
		case lifecycle.OverdueRelease:
			return nil, resource.ReleaseAfterOverdue(ctx, s, tx, acct, rec.Invoice, now)
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

// overdueCharge is one charge attempt of an overdue bill: a collection
// from the available credit in the automatic-payment order that stops
// after this bill (collect with through), so the account's older open
// bills — oldest first, then the smaller — are paid before it and it
// gets only the credit they leave; then, with
// Postpaid.ChargeLinkedAccount, the rest of this bill on the default
// linked account (a payment placed here and sent to the gateway after
// commit, out.charge). It reports whether the bill is paid in full now.
// The customer is told either way.
func overdueCharge(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, inv invoice.Invoice, step lifecycle.OverdueStep, out *JobOutcome) (bool, error) {
	paid, _, _, err := collect(ctx, s, tx, acct, s.Now(), "overdue charge", &inv)
	if err != nil {
		return false, err
	}
	due := inv.AmountDue()
	left := due
	detail := fmt.Sprintf("attempt %d for invoice %s: nothing paid from credit", step.Attempt+1, inv.DisplayNumber())
	older := due.MulInt(0)
	for _, c := range paid {
		if c.InvoiceID != inv.ID {
			if older, err = older.Add(c.Amount); err != nil {
				return false, err
			}
			continue
		}
		if left, err = due.Sub(c.Amount); err != nil {
			return false, err
		}
		detail = fmt.Sprintf("attempt %d for invoice %s: %s paid from credit", step.Attempt+1, inv.DisplayNumber(), c.Amount)
	}
	if older.IsPositive() {
		detail += fmt.Sprintf(" (%s went to older invoices first)", older)
	}
	if left.IsPositive() && s.Cfg.Postpaid.ChargeLinkedAccount {
		linked, err := pay.HasDefaultLinked(ctx, s, tx, acct.ID)
		if err != nil {
			return false, err
		}
		if linked {
			p, err := pay.PreparePayment(ctx, s, tx, acct, billingtype.PayRequest{AccountID: acct.ID, Amount: left, Method: payment.MethodLinkedAccount,
				Purpose:     payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.ID},
				Description: core.ClipText(fmt.Sprintf("overdue charge of invoice %s on the linked account", inv.ID), payment.MaxMemoLen)})
			if err != nil {
				return false, err
			}
			out.Charge = p.ID
			detail += fmt.Sprintf(", %s charged to the linked account", left)
		}
	}
	if out.Charge == "" {
		detail += fmt.Sprintf(", %s outstanding", left)
	}
	return !left.IsPositive(), outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventNotice, step.Key+":"+inv.ID, outbox.Zoned(s, acct, billingtype.NoticePayload{Notice: billingtype.NoticeOverdueCharge,
		Detail: detail, PeriodEnd: inv.DueAt}))
}
