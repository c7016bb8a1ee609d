package billing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// CallbackResult says what a gateway callback did.
type CallbackResult struct {
	EventID string            `json:"event_id"`
	Type    gateway.EventType `json:"type"`
	// Duplicate is true when the event was applied before (a retried,
	// duplicated or replayed delivery): nothing changed this time.
	Duplicate bool `json:"duplicate"`
	// PaymentID or LinkID names what the event settled.
	PaymentID string `json:"payment_id,omitempty"`
	LinkID    string `json:"link_id,omitempty"`
	// LateCredit is true when money arrived for a payment that had already
	// failed or expired: it was credited to the wallet as cash instead of
	// being lost.
	LateCredit bool `json:"late_credit"`
}

// HandleCallback verifies one callback of the named gateway (signature,
// timestamp window, against the injected clock) and applies it exactly
// once: the event id is recorded in the same transaction as the effect, so
// a duplicated, reordered or late delivery never credits twice. A callback
// that fails verification returns an error matching ErrCallbackRejected (and
// the gateway's own error) and changes nothing.
//
// Effects: payment.succeeded settles the payment (a top-up credits the
// wallet; Top up & Pay captures its held credit); payment.failed and
// payment.expired end it and release held credit; a success for a payment
// that already failed or expired credits the money to the wallet as cash;
// link.succeeded activates a linked account with its token; link.failed
// marks it failed; refund.succeeded is recorded only.
func (s *System) HandleCallback(ctx context.Context, gatewayName string, header http.Header, body []byte) (CallbackResult, error) {
	gw, err := s.gateway(gatewayName)
	if err != nil {
		return CallbackResult{}, err
	}
	ev, err := gw.ParseCallback(s.now(), header, body)
	if err != nil {
		return CallbackResult{}, fmt.Errorf("%w: %w", ErrCallbackRejected, err)
	}
	if ev.Gateway == "" {
		ev.Gateway = gw.Name()
	}
	if ev.Gateway != gw.Name() {
		return CallbackResult{}, fmt.Errorf("%w: event of gateway %q delivered to %q", ErrCallbackRejected, ev.Gateway, gw.Name())
	}
	res := CallbackResult{EventID: ev.ID, Type: ev.Type, PaymentID: ev.PaymentID, LinkID: ev.LinkID}
	owner, err := s.callbackOwner(ctx, ev)
	if err != nil {
		return CallbackResult{}, err
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		res.LateCredit = false
		// Lock the account before anything of it, as every operation does,
		// so a callback never waits on a lock order another operation
		// holds the other way round.
		if _, err := getAccount(ctx, tx, owner, true); err != nil {
			return err
		}
		if err := tx.GatewayEvents().Record(ctx, ev.Gateway, ev.ID, s.now()); err != nil {
			return err
		}
		return s.applyEvent(ctx, tx, owner, ev, &res)
	})
	if errors.Is(err, storage.ErrDuplicate) {
		res.Duplicate = true
		return res, nil
	}
	if err != nil {
		return CallbackResult{}, err
	}
	s.log.InfoContext(ctx, "gateway callback applied", "gateway", ev.Gateway, "event", ev.ID, "type", ev.Type.String(),
		"payment", ev.PaymentID, "link", ev.LinkID, "late_credit", res.LateCredit)
	return res, nil
}

// callbackOwner finds the account a verified event concerns (callbacks
// name our payment or link id, not the tenant), in a short transaction of
// its own.
func (s *System) callbackOwner(ctx context.Context, ev gateway.Event) (string, error) {
	var owner string
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		switch ev.Type {
		case gateway.EventLinkSucceeded, gateway.EventLinkFailed:
			l, err := tx.LinkedAccounts().LookupForUpdate(ctx, ev.LinkID)
			owner = l.AccountID
			return mapNotFound(err, ErrCallbackRejected, ev.LinkID)
		case gateway.EventRefundSucceeded:
			if ev.PaymentID == "" {
				return fmt.Errorf("%w: refund event without a payment id", ErrCallbackRejected)
			}
		}
		p, err := tx.Payments().LookupForUpdate(ctx, ev.PaymentID)
		owner = p.AccountID
		return mapNotFound(err, ErrCallbackRejected, ev.PaymentID)
	})
	return owner, err
}

// applyEvent applies a verified, first-seen event of account owner inside
// tx, which holds the account's lock.
func (s *System) applyEvent(ctx context.Context, tx storage.Tx, owner string, ev gateway.Event, res *CallbackResult) error {
	switch ev.Type {
	case gateway.EventLinkSucceeded, gateway.EventLinkFailed:
		return s.activateLink(ctx, tx, owner, ev)
	case gateway.EventRefundSucceeded:
		return nil
	}
	sp, err := tx.Payments().GetForUpdate(ctx, owner, ev.PaymentID)
	if err != nil {
		return mapNotFound(err, ErrCallbackRejected, ev.PaymentID)
	}
	if sp.Gateway != ev.Gateway {
		return fmt.Errorf("%w: payment %q is not a %s payment", ErrCallbackRejected, sp.ID, ev.Gateway)
	}
	if ev.Type == gateway.EventPaymentSucceeded && !ev.Amount.Equal(sp.FromGateway) {
		return fmt.Errorf("%w: payment %q expects %s from the gateway, callback says %s", ErrCallbackRejected, sp.ID, sp.FromGateway, ev.Amount)
	}
	before := sp
	st := payment.Status(sp.Status)
	switch ev.Type {
	case gateway.EventPaymentSucceeded:
		if st == payment.StatusFailed || st == payment.StatusExpired || st == payment.StatusCanceled {
			res.LateCredit = true
			return s.creditLatePayment(ctx, tx, sp)
		}
		err = s.completeSuccess(ctx, tx, &sp, ev.GatewayRef)
	case gateway.EventPaymentFailed:
		err = s.completeFailure(ctx, tx, &sp, payment.EventFail, orDefault(ev.FailureReason, "declined by the gateway"))
	case gateway.EventPaymentExpired:
		err = s.completeFailure(ctx, tx, &sp, payment.EventExpire, "expired at the gateway")
	default:
		return fmt.Errorf("%w: unhandled event type %s", ErrCallbackRejected, ev.Type)
	}
	if err != nil || sp == before {
		return err
	}
	_, err = tx.Payments().Update(ctx, sp)
	return err
}

// creditLatePayment books money a gateway collected for a payment that had
// already ended as cash credit (gateway clearing → customer cash), so the
// customer keeps it; the payment itself stays ended.
func (s *System) creditLatePayment(ctx context.Context, tx storage.Tx, sp storage.Payment) error {
	acct, err := getAccount(ctx, tx, sp.AccountID, true)
	if err != nil {
		return err
	}
	e, err := payment.TopUpEntry(payment.EntryMeta{
		ID: "late_" + entryID(payment.EntryTopUp, sp.ID), At: s.now(),
		Memo:      "gateway confirmed payment " + sp.ID + " after it ended; credited to the wallet",
		Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
	}, sp.Gateway, sp.FromGateway)
	if err != nil {
		return err
	}
	if _, err := appendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	return s.emit(ctx, tx, acct.ID, acct.ID, EventPaymentCredited, "credited:"+sp.ID, PaymentCreditedPayload{
		PaymentID: sp.ID, Purpose: sp.Purpose, Ref: sp.PurposeRef, Amount: sp.FromGateway,
		Reason: "the gateway confirmed the payment after it had " + string(sp.Status)})
}

// maxCallbackBody bounds what CallbackHandler reads; gateway callbacks are
// small.
const maxCallbackBody = 64 << 10

// CallbackHandler returns an http.Handler a host mounts at the URL it gave
// the named gateway for callbacks. It answers 200 for an applied or
// duplicate event (so the gateway stops retrying), 400 for a callback that
// failed verification or names unknown objects (retrying cannot help), 413
// for an oversized body, and 500 for anything else (the gateway retries;
// the event was not recorded).
func (s *System) CallbackHandler(gatewayName string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		_, err = s.HandleCallback(r.Context(), gatewayName, r.Header, body)
		switch {
		case err == nil:
			w.WriteHeader(http.StatusOK)
		case errors.Is(err, ErrCallbackRejected), errors.Is(err, ErrUnknownGateway):
			s.log.WarnContext(r.Context(), "gateway callback rejected", "gateway", gatewayName, "error", err)
			http.Error(w, "rejected", http.StatusBadRequest)
		default:
			s.log.ErrorContext(r.Context(), "gateway callback failed", "gateway", gatewayName, "error", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
