package billing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/storage"
)

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
	gw, err := s.env.Gateway(gatewayName)
	if err != nil {
		return CallbackResult{}, err
	}
	ev, err := gw.ParseCallback(s.env.Now(), header, body)
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
	owner, err := pay.CallbackOwner(ctx, s.env, ev)
	if err != nil {
		return CallbackResult{}, err
	}
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		res.LateCredit = false
		// Lock the account before anything of it, as every operation does,
		// so a callback never waits on a lock order another operation
		// holds the other way round.
		if _, err := core.GetAccount(ctx, tx, owner, true); err != nil {
			return err
		}
		if err := tx.GatewayEvents().Record(ctx, ev.Gateway, ev.ID, s.env.Now()); err != nil {
			return err
		}
		return pay.ApplyEvent(ctx, s.env, tx, owner, ev, &res)
	})
	if errors.Is(err, storage.ErrDuplicate) {
		res.Duplicate = true
		return res, nil
	}
	if err != nil {
		return CallbackResult{}, err
	}
	s.env.Log.InfoContext(ctx, "gateway callback applied", "gateway", ev.Gateway, "event", ev.ID, "type", ev.Type.String(),
		"payment", ev.PaymentID, "link", ev.LinkID, "late_credit", res.LateCredit)
	return res, nil
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
			s.env.Log.WarnContext(r.Context(), "gateway callback rejected", "gateway", gatewayName, "error", err)
			http.Error(w, "rejected", http.StatusBadRequest)
		default:
			s.env.Log.ErrorContext(r.Context(), "gateway callback failed", "gateway", gatewayName, "error", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	})
}
