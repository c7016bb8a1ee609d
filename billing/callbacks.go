package billing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// HandleCallback verifies one callback of the named gateway (its
// ParseCallback: signature, timestamp window, against the injected clock)
// and applies it exactly once: the event id is recorded in the same
// transaction as the effect, so a duplicated, reordered or late delivery
// never credits twice. A gateway that owns its wire format is better
// served by HandleCallbackRequest or CallbackHandler, which hand it the
// whole request.
//
// Effects: payment.succeeded settles the payment (a top-up credits the
// wallet; Top up & Pay captures its held credit); payment.failed and
// payment.expired end it and release held credit; a success for a payment
// that already failed or expired credits the money to the wallet as cash,
// once; link.succeeded activates a linked account with its token;
// link.failed marks it failed; refund.succeeded and refund.failed settle a
// refund to the original method (see RefundPayment).
//
// The result's Outcome says what became of the delivery, on errors too:
// applied; duplicate (the event id was seen before, or the payment,
// refund or link had already reached the state it reports — a success
// reported again under another event id credits nothing); wrong_amount (a
// success whose amount or currency is not the payment's: recorded with an
// audit record and an EventPaymentMismatch, nothing applied, nil error);
// unknown_payment (a *CallbackUnknownError); ignored (authentic, but an
// event type the library does not act on or a payment the provider has
// not settled: gateway.ErrIgnoredEvent, gateway.ErrNotFinal; nil error,
// nothing changed); rejected (verification failed: an error matching
// ErrCallbackRejected and the gateway's own); failed also when the adapter
// could not finish reading the delivery (gateway.ErrTemporary);
// failed (the store failed; the gateway should deliver it again).
func (s *System) HandleCallback(ctx context.Context, gatewayName string, header http.Header, body []byte) (_ CallbackResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "HandleCallback")
	defer op.End(&err)
	gw, err := s.env.Gateway(gatewayName)
	if err != nil {
		return CallbackResult{Outcome: gateway.CallbackRejected}, err
	}
	ev, err := gw.ParseCallback(s.env.Now(), header, body)
	if err != nil {
		return readFailure(err)
	}
	return s.applyCallback(ctx, gw, ev)
}

// HandleCallbackRequest is HandleCallback for a whole delivery: a gateway
// that implements gateway.WireFormat reads it with ReadCallback (VNPay's
// signed query string of a GET, another gateway's own JSON), any other
// with ParseCallback over its header and body. The outcome and errors are
// HandleCallback's.
func (s *System) HandleCallbackRequest(ctx context.Context, gatewayName string, req gateway.CallbackRequest) (_ CallbackResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "HandleCallbackRequest")
	defer op.End(&err)
	gw, err := s.env.Gateway(gatewayName)
	if err != nil {
		return CallbackResult{Outcome: gateway.CallbackRejected}, err
	}
	var ev gateway.Event
	if wf, ok := gw.(gateway.WireFormat); ok {
		ev, err = wf.ReadCallback(s.env.Now(), req)
	} else {
		ev, err = gw.ParseCallback(s.env.Now(), req.Header, req.Body)
	}
	if err != nil {
		return readFailure(err)
	}
	return s.applyCallback(ctx, gw, ev)
}

// readFailure is what a delivery the gateway could not read comes to: an
// authentic one that reports nothing to apply (gateway.ErrIgnoredEvent,
// gateway.ErrNotFinal) is ignored, with no error and nothing changed;
// anything else is rejected.
func readFailure(err error) (CallbackResult, error) {
	if errors.Is(err, gateway.ErrIgnoredEvent) || errors.Is(err, gateway.ErrNotFinal) {
		return CallbackResult{Outcome: gateway.CallbackIgnored}, nil
	}
	if errors.Is(err, gateway.ErrTemporary) {
		// The adapter could not finish reading an authentic delivery (a
		// call it makes to the provider failed): the gateway delivers it
		// again.
		return CallbackResult{Outcome: gateway.CallbackFailed}, err
	}
	return CallbackResult{Outcome: gateway.CallbackRejected}, fmt.Errorf("%w: %w", ErrCallbackRejected, err)
}

// applyCallback applies a verified event of gw.
func (s *System) applyCallback(ctx context.Context, gw gateway.Gateway, ev gateway.Event) (CallbackResult, error) {
	if ev.Gateway == "" {
		ev.Gateway = gw.Name()
	}
	if ev.Gateway != gw.Name() {
		return CallbackResult{Outcome: gateway.CallbackRejected},
			fmt.Errorf("%w: event of gateway %q delivered to %q", ErrCallbackRejected, ev.Gateway, gw.Name())
	}
	res, err := pay.HandleEvent(ctx, s.env, ev)
	if err != nil {
		return res, err
	}
	s.env.Log.InfoContext(ctx, "gateway callback handled", "gateway", ev.Gateway, "event", ev.ID, "type", ev.Type.String(),
		"outcome", res.Outcome.String(), "payment", ev.PaymentID, "link", ev.LinkID, "refund", ev.RefundID, "late_credit", res.LateCredit)
	return res, nil
}

// maxCallbackBody bounds what CallbackHandler reads; gateway callbacks are
// small.
const maxCallbackBody = gateway.MaxEventSize

// CallbackHandler returns an http.Handler a host mounts at the URL it gave
// the named gateway for callbacks. It hands the whole delivery to
// HandleCallbackRequest and answers with what the gateway expects for the
// outcome: a gateway.WireFormat's Reply (its status, content type and
// exact body: VNPay's {"RspCode":"00",…} for applied, "02" for a
// duplicate, …), else gateway.DefaultReply — 200 for an applied or
// duplicate event (so the gateway stops retrying), 400 for a callback
// that failed verification, names unknown objects or reports a wrong
// amount, and 500 when it could not be recorded (the gateway retries).
// Methods other than the gateway's CallbackMethods (POST without
// WireFormat) are 405, a body over 64 KiB 413.
func (s *System) CallbackHandler(gatewayName string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reply := gateway.DefaultReply
		methods := []string{http.MethodPost}
		if gw, err := s.env.Gateway(gatewayName); err == nil {
			if wf, ok := gw.(gateway.WireFormat); ok {
				reply, methods = wf.Reply, wf.CallbackMethods()
			}
		}
		if !slices.Contains(methods, r.Method) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		res, err := s.HandleCallbackRequest(r.Context(), gatewayName, gateway.CallbackRequest{
			Method: r.Method, Query: r.URL.Query(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
		})
		outcome := res.Outcome
		if !outcome.Valid() {
			outcome = gateway.CallbackFailed
		}
		switch {
		case err == nil:
		case outcome == gateway.CallbackFailed:
			s.env.Log.ErrorContext(r.Context(), "gateway callback failed", "gateway", gatewayName, "error", err)
		default:
			s.env.Log.WarnContext(r.Context(), "gateway callback refused", "gateway", gatewayName, "outcome", outcome.String(), "error", err)
		}
		out := reply(outcome)
		if out.ContentType != "" {
			w.Header().Set("Content-Type", out.ContentType)
		}
		if out.Status == 0 {
			out.Status = http.StatusInternalServerError
		}
		w.WriteHeader(out.Status)
		if len(out.Body) > 0 {
			_, _ = w.Write(out.Body)
		}
	})
}
