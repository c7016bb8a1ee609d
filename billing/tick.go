package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/order"

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
	Resources int `json:"resources"`
	// Reminders sent, automatic renewals that succeeded and failed, and
	// clock-driven state changes (to grace, suspended, released).
	Reminders      int `json:"reminders"`
	Renewed        int `json:"renewed"`
	RenewalsFailed int `json:"renewals_failed"`
	Transitions    int `json:"transitions"`
	// BillsIssued counts the postpaid month bills issued by month close.
	BillsIssued int `json:"bills_issued"`
	// Collections counts the runs of automatic invoice payment, and
	// InvoicesCollected the invoices they paid (in part or in full).
	Collections       int `json:"collections"`
	InvoicesCollected int `json:"invoices_collected"`
	// OverdueSteps counts the steps of overdue schedules done (charge
	// attempts, suspensions, releases); Holds the credit-hold runs.
	OverdueSteps int `json:"overdue_steps"`
	Holds        int `json:"holds"`
	// PaymentsExpired and PromotionsExpired count the payment and wallet
	// sweeps; EventsDelivered the outbox deliveries (when an EventHandler
	// is configured).
	PaymentsExpired   int `json:"payments_expired"`
	PromotionsExpired int `json:"promotions_expired"`
	EventsDelivered   int `json:"events_delivered"`
	// PaymentsRetried counts payments left "created" whose gateway the
	// worker asked again and that got an answer.
	PaymentsRetried int `json:"payments_retried"`
	// Failures lists the items this Tick could not process, each with its
	// reason and when it will be tried again; every other item was
	// processed regardless. They are also logged.
	Failures []ItemFailure `json:"failures,omitempty"`
	// More reports that some sweep handled a full page (limit items), so
	// more work may be due already: a worker calls Tick again without
	// waiting, as RunWorker does.
	More bool `json:"more"`
}

// ItemKind names the kind of item an ItemFailure is about. The values are
// stable.
type ItemKind string

// The kinds of items the worker processes.
const (
	// ItemResource is a due resource (reminders, renewals, transitions).
	ItemResource ItemKind = "resource"
	// ItemPayment is a payment being expired or asked for again.
	ItemPayment ItemKind = "payment"
	// ItemEvent is an outbox event whose handler failed.
	ItemEvent ItemKind = "event"
	// ItemJob is a scheduled account job (automatic invoice payment, an
	// overdue schedule, the credit hold); its ID is "<kind>:<key>".
	ItemJob ItemKind = "job"
	// ItemSweep is a sweep that keeps no failure state per item (the
	// expiry of promotional credit); its ID names it.
	ItemSweep ItemKind = "sweep"
)

// Sweep names, the IDs of ItemSweep failures.
const sweepPromotions = "promotional_credit"

// ItemFailure is one item the worker could not process in a Tick. The item
// keeps its failure state in its own stored record (a resource's data, a
// payment's Attempts, LastError and RetryAt, an event's delivery state)
// until a later try succeeds and clears it; nothing else waits for it.
type ItemFailure struct {
	// Kind says what ID names.
	Kind ItemKind `json:"kind"`
	// ID is the resource, payment or event id, or the sweep's name.
	ID        string `json:"id"`
	AccountID string `json:"account_id,omitempty"`
	// Reason is the error, at most 500 bytes.
	Reason string `json:"reason"`
	// Attempts counts the failed tries in a row, this one included (1 for
	// a sweep).
	Attempts int `json:"attempts"`
	// RetryAt is when the worker tries the item again: after a delay of
	// Config.RetryDelay doubling up to Config.MaxRetryDelay (an event's
	// delivery backoff for events, the next Tick for a sweep).
	RetryAt time.Time `json:"retry_at"`
}

// NoticeKind names a customer notice in an EventNotice payload.
type NoticeKind string

// The notices Tick sends.
const (
	NoticeReminder        NoticeKind = "renewal_reminder"
	NoticeAutoRenewed     NoticeKind = "auto_renew_succeeded"
	NoticeAutoRenewFailed NoticeKind = "auto_renew_failed"
	NoticeStateChanged    NoticeKind = "state_changed"
	// NoticeCreditLimit: a postpaid account's debt reached the notice
	// threshold of its credit limit, or passed the limit.
	NoticeCreditLimit NoticeKind = "credit_limit"
)

// autoRenewActor is the actor of the orders automatic renewal places.
const autoRenewActor = ActorAutoRenew

// Tick is what a host's worker calls periodically (every minute, say, or
// through RunWorker): it runs the lifecycle clock for up to limit (1–1000; 0 means DefaultPageSize)
// due resources — reminders from T−7 and daily after T until renewal or
// release, each sent once; automatic renewal attempts at T−7, T−4, T−1 and
// T from credit (then the default linked account when
// Config.AutoRenewWithLinkedAccount is set); the moves to grace at T,
// suspension at T+15 days and release at T+30 days — and then, up to limit
// each, expires created and pending payments past their expiry (releasing
// what they held), asks the gateway again about payments it never
// answered, expires promotional credit and, with an EventHandler
// configured, delivers outbox events (DeliverEvents).
//
// Its cost grows with the work that is due, not with the number of
// resources or payments: every sweep reads through an index of what is
// due. Due resources are claimed in pages, each processed in one
// transaction (a savepoint per resource when one of them fails), each
// resource under its row lock with its work recomputed from the locked
// state, so two workers ticking at once split the due resources and never
// renew twice or send a notice twice.
//
// One failing item never stalls the worker: its failure is recorded on the
// item with the reason and a retry time (Config.RetryDelay doubling up to
// Config.MaxRetryDelay; a resource's next due time is pushed there),
// logged, and listed in the report's Failures, and every other item and
// every other sweep still runs. A later success clears the failure. Tick
// returns an error only when the tick as a whole cannot go on — ctx is
// done, or the store cannot be read or cannot record a failure — with the
// report of what was done until then.
func (s *System) Tick(ctx context.Context, limit int) (TickReport, error) {
	if err := checkLimit(&limit); err != nil {
		return TickReport{}, err
	}
	var rep TickReport
	if err := s.tickResources(ctx, limit, &rep); err != nil {
		return rep, err
	}
	if err := s.tickJobs(ctx, limit, &rep); err != nil {
		return rep, err
	}
	exp, err := s.expirePayments(ctx, limit)
	rep.PaymentsExpired = exp.done
	mergeSweep(&rep, exp)
	if err != nil {
		return rep, err
	}
	retried, err := s.retryPayments(ctx, limit)
	rep.PaymentsRetried = retried.done
	mergeSweep(&rep, retried)
	if err != nil {
		return rep, err
	}
	if err := s.tickPromotions(ctx, limit, &rep); err != nil {
		return rep, err
	}
	if s.cfg.EventHandler != nil {
		ev, err := s.deliverEvents(ctx, limit)
		rep.EventsDelivered = ev.done
		mergeSweep(&rep, ev)
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// mergeSweep adds a sweep's failures and page state to the report.
func mergeSweep(rep *TickReport, sw sweep) {
	rep.Failures = append(rep.Failures, sw.failures...)
	rep.More = rep.More || sw.full
}

// tickResourcesOneByOne is the lifecycle clock for one page of due
// resources, each in its own transaction: the path a page takes when its
// batched transaction (tickResources) could not commit. A resource whose
// work fails gets its failure recorded and is moved out of the way until
// its retry time; the others go on.
func (s *System) tickResourcesOneByOne(ctx context.Context, now time.Time, limit int, rep *TickReport) (read int, err error) {
	var due []storage.Resource
	if err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Resources().Due(ctx, now, limit)
		return err
	}); err != nil {
		return 0, err
	}
	for _, r := range due {
		if err := s.tickAlone(ctx, r.AccountID, r.ID, rep); err != nil {
			return len(due), err
		}
	}
	return len(due), nil
}

// tickAlone does one resource's due work in its own transaction, records
// its failure when it fails, and charges the renewal it placed. The error
// is for what stops the whole tick (ctx done, a failure that could not be
// recorded).
func (s *System) tickAlone(ctx context.Context, accountID, resourceID string, rep *TickReport) error {
	paymentID, err := s.tickResource(ctx, accountID, resourceID, rep)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		f, err := s.recordResourceFailure(ctx, accountID, resourceID, fmt.Errorf("billing: tick resource %q: %w", resourceID, err))
		if err != nil {
			return err
		}
		s.logFailure(ctx, f)
		rep.Failures = append(rep.Failures, f)
		return nil
	}
	rep.Resources++
	if paymentID != "" {
		return s.chargeRenewal(ctx, accountID, paymentID, rep)
	}
	return nil
}

// chargeRenewal submits the payment of an automatic renewal on the linked
// account, after the transaction that placed its order. A failure is the
// payment's: recorded on it and retried by the retry sweep. The error is
// for a failure that could not be recorded.
func (s *System) chargeRenewal(ctx context.Context, accountID, paymentID string, rep *TickReport) error {
	p, err := s.submitOrRecord(ctx, accountID, paymentID, rep)
	switch {
	case err != nil:
		return err
	case p.Status == payment.StatusSucceeded:
		rep.Renewed++
	case p.Status == payment.StatusFailed:
		rep.RenewalsFailed++
	}
	return nil
}

// chargeAfterCommit submits a linked-account payment a worker job placed
// (an overdue charge), after the job's transaction.
func (s *System) chargeAfterCommit(ctx context.Context, accountID, paymentID string, rep *TickReport) error {
	_, err := s.submitOrRecord(ctx, accountID, paymentID, rep)
	return err
}

// submitOrRecord submits a created payment to its gateway; a failure to
// reach it is the payment's, recorded on it for the retry sweep and
// reported in rep. The error is for a failure that could not be recorded.
func (s *System) submitOrRecord(ctx context.Context, accountID, paymentID string, rep *TickReport) (Payment, error) {
	p, err := s.submitPayment(ctx, accountID, paymentID, "")
	if err == nil {
		return p, nil
	}
	var res sweep
	if err := s.paymentTryFailed(ctx, storage.Payment{AccountID: accountID, ID: paymentID}, err, &res); err != nil {
		return Payment{}, err
	}
	rep.Failures = append(rep.Failures, res.failures...)
	return Payment{}, nil
}

// recordResourceFailure stores a failed tick on a resource: one more
// attempt, the reason and the retry time in its detail, and its NextDueAt
// pushed to that time so that the claim skips it until then.
func (s *System) recordResourceFailure(ctx context.Context, accountID, resourceID string, cause error) (ItemFailure, error) {
	var f ItemFailure
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// Only the resource is locked: no other lock is waited for while
		// holding it, so this cannot deadlock with the account-first
		// order of every other operation.
		r, err := tx.Resources().GetForUpdate(ctx, accountID, resourceID)
		if err != nil {
			return err
		}
		now := s.now()
		r.TickAttempts++
		f = ItemFailure{Kind: ItemResource, ID: r.ID, AccountID: r.AccountID, Reason: truncate(cause.Error(), maxReason),
			Attempts: r.TickAttempts, RetryAt: now.Add(s.retryBackoff(r.TickAttempts))}
		r.TickError, r.TickRetryAt = f.Reason, f.RetryAt
		r.NextDueAt, r.UpdatedAt = f.RetryAt, now
		_, err = tx.Resources().Update(ctx, r)
		return err
	})
	if err != nil {
		return ItemFailure{}, fmt.Errorf("billing: record the failure of resource %q (%v): %w", resourceID, cause, err)
	}
	return f, nil
}

// tickPromotions runs the expiry of promotional credit. It keeps no
// failure state per account, so a failure is reported as the sweep's and
// the sweep runs again on the next Tick.
func (s *System) tickPromotions(ctx context.Context, limit int, rep *TickReport) error {
	n, err := s.expirePromotionalCredit(ctx, limit)
	rep.PromotionsExpired = n
	rep.More = rep.More || n >= limit
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	f := ItemFailure{Kind: ItemSweep, ID: sweepPromotions, Reason: truncate(err.Error(), maxReason), Attempts: 1, RetryAt: s.now()}
	s.logFailure(ctx, f)
	rep.Failures = append(rep.Failures, f)
	return nil
}

// tickResource does one resource's due work in one transaction, and
// clears the resource's failure state. An automatic renewal that needs the
// linked account places its order here; the caller charges the returned
// payment after commit.
func (s *System) tickResource(ctx context.Context, accountID, resourceID string, rep *TickReport) (paymentID string, err error) {
	var local TickReport
	err = s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		local, paymentID, err = s.tickResourceIn(ctx, tx, accountID, resourceID)
		return err
	})
	if err != nil {
		return "", err
	}
	addCounts(rep, local)
	return paymentID, nil
}

// addCounts adds the work counters of one resource's tick.
func addCounts(rep *TickReport, local TickReport) {
	rep.Renewed += local.Renewed
	rep.RenewalsFailed += local.RenewalsFailed
	rep.Transitions += local.Transitions
	rep.Reminders += local.Reminders
	rep.BillsIssued += local.BillsIssued
}

// tickResourceIn does one resource's due work inside tx, under the
// account's and the resource's row locks, its work recomputed from the
// locked state, and clears the resource's failure state. It returns what
// it did and the payment of an automatic renewal on the linked account,
// which the caller charges after commit.
func (s *System) tickResourceIn(ctx context.Context, tx storage.Tx, accountID, resourceID string) (local TickReport, paymentID string, err error) {
	err = func() error {
		acct, err := getAccount(ctx, tx, accountID, true)
		if err != nil {
			return err
		}
		r, err := tx.Resources().GetForUpdate(ctx, accountID, resourceID)
		if err != nil {
			return err
		}
		d := r.ResourceDetail
		rules := s.rules(acct, r.ProductID)
		now := s.now()
		if d.Postpaid {
			d.TickAttempts, d.TickError, d.TickRetryAt = 0, "", time.Time{}
			bills, err := s.closePostpaid(ctx, tx, acct, &r, &d, now, time.Time{})
			local.BillsIssued += len(bills)
			return err
		}
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
						paymentID = pid
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
		d.TickAttempts, d.TickError, d.TickRetryAt = 0, "", time.Time{} // the tick succeeded
		return s.saveResource(ctx, tx, &r, &d, rules)
	}()
	if err != nil {
		return TickReport{}, "", err
	}
	return local, paymentID, nil
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
	ren, err := lifecycle.RenewFromAnchor(s.rules(acct, r.ProductID).Calendar(), d.Anchor, r.PeriodEnd, s.now(), term)
	if err != nil {
		return false, "", s.notify(ctx, tx, acct, r, NoticeAutoRenewFailed, w.Key, err.Error())
	}
	cat, err := s.catalogFor(acct.Currency)
	if err != nil {
		return false, "", err
	}
	q, err := cat.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: term}}})
	if err != nil {
		return false, "", err
	}
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return false, "", err
	}
	spec := orderSpec{Kind: order.KindRenew, Actor: autoRenewActor, Targets: []order.Target{{ResourceID: r.ID, Start: ren.Span.Start, End: ren.Span.End, Anchor: ren.Anchor}}}
	enough, err := ws.wallet.Available(s.now()).Cmp(q.Total)
	if err != nil {
		return false, "", err
	}
	linked := false
	if enough < 0 && s.cfg.AutoRenewWithLinkedAccount {
		if linked, err = s.hasDefaultLinked(ctx, tx, acct.ID); err != nil {
			return false, "", err
		}
	}
	switch {
	case enough >= 0:
		spec.Method = payment.MethodCredit
	case linked:
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
	fd := fresh.ResourceDetail
	*r, *d = fresh, fd
	if spec.Method == payment.MethodCredit {
		return true, "", nil // paid and applied; the order told the customer
	}
	return false, placed.PaymentID, nil
}

// hasDefaultLinked reports whether the account has a default linked
// account; a storage failure is an error, not a "no".
func (s *System) hasDefaultLinked(ctx context.Context, tx storage.Tx, accountID string) (bool, error) {
	_, err := s.chosenLinkedAccount(ctx, tx, accountID, "")
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrLinkedAccountNotFound) || errors.Is(err, ErrUnknownGateway):
		return false, nil
	}
	return false, err
}

// clockTransition applies a clock-driven state change.
func (s *System) clockTransition(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, w lifecycle.Work) error {
	from := lifecycle.State(r.Status)
	v, err := viewOf(*r, *d).Record(w)
	if err != nil {
		return err
	}
	r.Status, r.UpdatedAt = v.State, s.now()
	if err := s.hostEffects(ctx, tx, acct, r, from, v.State); err != nil {
		return err
	}
	kind := map[lifecycle.State]invoice.ActionKind{lifecycle.StateSuspended: invoice.ActionSuspend, lifecycle.StateReleased: invoice.ActionRelease}[v.State]
	if kind != "" {
		if err := s.logAction(ctx, tx, acct, ActorTick, r.ID, kind, d.Configuration, pricing.Configuration{}, period.Span{Start: r.PeriodStart, End: r.PeriodEnd}, period.Span{}, "", "clock"); err != nil {
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
	p := NoticePayload{Notice: kind, ResourceID: r.ID, ProductID: r.ProductID, State: lifecycle.State(r.Status), PeriodEnd: r.PeriodEnd, Detail: detail}
	if lifecycle.State(r.Status).Scheduled() {
		p.Status = s.rules(acct, r.ProductID).BillingStatus(r.PeriodEnd, s.now())
	}
	return s.emit(ctx, tx, acct.ID, r.ID, EventNotice, id, p)
}
