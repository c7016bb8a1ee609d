package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// TickReport counts what one Tick did.
type TickReport struct {
	// Resources is how many due resources were processed.
	Resources int
	// Reminders sent, automatic renewals that succeeded and failed, and
	// clock-driven state changes (to grace, suspended, released).
	Reminders, Renewed, RenewalsFailed, Transitions int
	// PaymentsExpired and PromotionsExpired count the payment and wallet
	// sweeps; EventsDelivered the outbox deliveries (when an EventHandler
	// is configured).
	PaymentsExpired, PromotionsExpired, EventsDelivered int
}

// NoticeKind names a customer notice in an EventNotice payload.
type NoticeKind string

// The notices Tick sends.
const (
	NoticeReminder        NoticeKind = "renewal_reminder"
	NoticeAutoRenewed     NoticeKind = "auto_renew_succeeded"
	NoticeAutoRenewFailed NoticeKind = "auto_renew_failed"
	NoticeStateChanged    NoticeKind = "state_changed"
)

// autoRenewActor is the actor of the orders automatic renewal places.
const autoRenewActor = ActorAutoRenew

// noticePayload is the body of an EventNotice event.
type noticePayload struct {
	Notice     NoticeKind              `json:"notice"`
	ResourceID string                  `json:"resource_id"`
	ProductID  string                  `json:"product_id"`
	State      lifecycle.State         `json:"state"`
	PeriodEnd  time.Time               `json:"period_end"`
	Status     lifecycle.BillingStatus `json:"billing_status,omitempty"`
	Detail     string                  `json:"detail,omitempty"`
}

// Tick is what a host's worker calls periodically (every minute, say): it
// runs the lifecycle clock for up to limit (1–1000) due resources —
// reminders from T−7 and daily after T until renewal or release, each sent
// once; automatic renewal attempts at T−7, T−4, T−1 and T from credit
// (then the default linked account when Config.AutoRenewWithLinkedAccount
// is set); the moves to grace at T, suspension at T+15 days and release at
// T+30 days — and then expires stale gateway payments and promotional
// credit and, with an EventHandler configured, delivers outbox events.
//
// Its cost grows with the work that is due, not with the number of
// resources: resources are read by their next due time. Each resource is
// processed in its own transaction under its row lock, its work recomputed
// from the locked state, so two workers ticking at once never renew twice
// or send a notice twice.
func (s *System) Tick(ctx context.Context, limit int) (TickReport, error) {
	if err := checkLimit(limit); err != nil {
		return TickReport{}, err
	}
	var rep TickReport
	now := s.now()
	var due []storage.Resource
	if err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Resources().Due(ctx, now, limit)
		return err
	}); err != nil {
		return rep, err
	}
	for _, r := range due {
		if err := s.tickResource(ctx, r.AccountID, r.ID, &rep); err != nil {
			return rep, fmt.Errorf("billing: tick resource %q: %w", r.ID, err)
		}
		rep.Resources++
	}
	var err error
	if rep.PaymentsExpired, err = s.ExpirePendingPayments(ctx, limit); err != nil {
		return rep, err
	}
	if rep.PromotionsExpired, err = s.ExpirePromotionalCredit(ctx, limit); err != nil {
		return rep, err
	}
	if s.cfg.EventHandler != nil {
		if rep.EventsDelivered, err = s.DeliverEvents(ctx, limit); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// tickResource does one resource's due work. An automatic renewal that
// needs the linked account is charged after the transaction that records
// the attempt.
func (s *System) tickResource(ctx context.Context, accountID, resourceID string, rep *TickReport) error {
	var charge struct{ accountID, paymentID string }
	var local TickReport
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		local, charge.paymentID = TickReport{}, ""
		acct, err := getAccount(ctx, tx, accountID, true)
		if err != nil {
			return err
		}
		r, err := tx.Resources().GetForUpdate(ctx, accountID, resourceID)
		if err != nil {
			return err
		}
		d, err := decodeResource(r)
		if err != nil {
			return err
		}
		rules := s.rules(acct, r.ProductID)
		now := s.now()
		for round := 0; round < 3; round++ { // a renewal restarts the list once
			work, err := rules.Due(viewOf(r, d), now)
			if err != nil {
				return err
			}
			renewed := false
			for _, w := range work {
				switch w.Kind {
				case lifecycle.WorkAutoRenew:
					ok, pid, err := s.autoRenew(ctx, tx, acct, &r, &d, w)
					if err != nil {
						return err
					}
					if pid != "" {
						charge.accountID, charge.paymentID = acct.ID, pid
					}
					if ok {
						local.Renewed++
						renewed = true
					} else if pid == "" {
						local.RenewalsFailed++
					}
				case lifecycle.WorkTransition:
					if err := s.clockTransition(ctx, tx, acct, &r, &d, w); err != nil {
						return err
					}
					local.Transitions++
				case lifecycle.WorkReminder:
					if err := s.remind(ctx, tx, acct, &r, &d, w, rules); err != nil {
						return err
					}
					local.Reminders++
				}
				if renewed {
					break
				}
			}
			if !renewed {
				break
			}
		}
		return s.saveResource(ctx, tx, &r, &d, rules)
	})
	if err != nil {
		return err
	}
	rep.Renewed += local.Renewed
	rep.RenewalsFailed += local.RenewalsFailed
	rep.Transitions += local.Transitions
	rep.Reminders += local.Reminders
	if charge.paymentID != "" {
		p, err := s.submitPayment(ctx, charge.accountID, charge.paymentID, "")
		switch {
		case err != nil && !errors.Is(err, ErrGatewayUnavailable):
			return err
		case p.Status == payment.StatusSucceeded:
			rep.Renewed++
		case p.Status == payment.StatusFailed:
			rep.RenewalsFailed++
		}
	}
	return nil
}

// autoRenew makes one automatic-renewal attempt inside the resource's
// transaction: from credit when it covers the renewal (renewed at once),
// else — when the host allows it — by an order on the default linked
// account whose payment the caller submits after commit; otherwise the
// attempt failed and the customer is told. The attempt is recorded either
// way, so it is made once.
func (s *System) autoRenew(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, w lifecycle.Work) (renewed bool, paymentID string, err error) {
	v, err := viewOf(*r, *d).Record(w)
	if err != nil {
		return false, "", err
	}
	d.NextAttempt = v.NextAttempt
	term := d.AutoRenewTerm
	if term == (period.Term{}) {
		term = period.Months(1)
	}
	span, err := lifecycle.RenewPeriod(s.rules(acct, r.ProductID).Calendar(), r.PeriodEnd, s.now(), term)
	if err != nil {
		return false, "", s.notify(ctx, tx, acct, r, NoticeAutoRenewFailed, w.Key, err.Error())
	}
	q, err := s.catalog.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: term}}})
	if err != nil {
		return false, "", err
	}
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return false, "", err
	}
	spec := orderSpec{Kind: orderRenew, Actor: autoRenewActor, Targets: []orderTarget{{ResourceID: r.ID, Start: span.Start, End: span.End}}}
	enough, err := ws.wallet.Available(s.now()).Cmp(q.Total)
	if err != nil {
		return false, "", err
	}
	switch {
	case enough >= 0:
		spec.Method = payment.MethodCredit
	case s.cfg.AutoRenewWithLinkedAccount && s.hasDefaultLinked(ctx, tx, acct.ID):
		spec.Method = payment.MethodLinkedAccount
	default:
		return false, "", s.notify(ctx, tx, acct, r, NoticeAutoRenewFailed, w.Key,
			fmt.Sprintf("available credit %s is less than the renewal's %s", ws.wallet.Available(s.now()), q.Total))
	}
	// The order's settlement updates the stored resource; save ours first
	// and read it back after, so neither overwrites the other.
	if err := s.saveResource(ctx, tx, r, d, s.rules(acct, r.ProductID)); err != nil {
		return false, "", err
	}
	placed, err := s.recordOrder(ctx, tx, acct, spec, q, emptyCoupons())
	if err != nil {
		return false, "", err
	}
	fresh, err := tx.Resources().Get(ctx, acct.ID, r.ID)
	if err != nil {
		return false, "", err
	}
	fd, err := decodeResource(fresh)
	if err != nil {
		return false, "", err
	}
	*r, *d = fresh, fd
	if spec.Method == payment.MethodCredit {
		return true, "", nil // paid and applied; the order told the customer
	}
	return false, placed.PaymentID, nil
}

// hasDefaultLinked reports whether the account has a default linked
// account.
func (s *System) hasDefaultLinked(ctx context.Context, tx storage.Tx, accountID string) bool {
	_, err := s.chosenLinkedAccount(ctx, tx, accountID, "")
	return err == nil
}

// clockTransition applies a clock-driven state change.
func (s *System) clockTransition(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, w lifecycle.Work) error {
	from := lifecycle.State(r.Status)
	v, err := viewOf(*r, *d).Record(w)
	if err != nil {
		return err
	}
	r.Status, r.UpdatedAt = string(v.State), s.now()
	if err := s.hostEffects(ctx, tx, acct, r, from, v.State); err != nil {
		return err
	}
	kind := map[lifecycle.State]invoice.ActionKind{lifecycle.StateSuspended: invoice.ActionSuspend, lifecycle.StateReleased: invoice.ActionRelease}[v.State]
	if kind != "" {
		if err := s.logAction(ctx, tx, acct, ActorTick, r.ID, kind, d.Configuration, nil, period.Span{Start: r.PeriodStart, End: r.PeriodEnd}, period.Span{}, "", "clock"); err != nil {
			return err
		}
	}
	return s.notify(ctx, tx, acct, r, NoticeStateChanged, w.Key, string(from)+" → "+string(v.State))
}

// remind sends one renewal reminder; its event id is derived from the
// work's key, so it exists once whatever retries happen.
func (s *System) remind(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, w lifecycle.Work, rules lifecycle.Rules) error {
	v, err := viewOf(*r, *d).Record(w)
	if err != nil {
		return err
	}
	d.NextReminder = v.NextReminder
	return s.notify(ctx, tx, acct, r, NoticeReminder, w.Key, "")
}

// notify writes a customer notice to the outbox. key (a lifecycle work
// key) makes the event id stable: one notice per resource and work.
func (s *System) notify(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, kind NoticeKind, key, detail string) error {
	id := ""
	if key != "" {
		id = "notice:" + r.ID + ":" + string(kind) + ":" + key
	}
	p := noticePayload{Notice: kind, ResourceID: r.ID, ProductID: r.ProductID, State: lifecycle.State(r.Status), PeriodEnd: r.PeriodEnd, Detail: detail}
	if lifecycle.State(r.Status).Scheduled() {
		p.Status = s.rules(acct, r.ProductID).BillingStatus(r.PeriodEnd, s.now())
	}
	return s.emit(ctx, tx, acct.ID, r.ID, EventNotice, id, p)
}
