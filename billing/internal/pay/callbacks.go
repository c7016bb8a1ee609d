package pay

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// CallbackOwner finds the account a verified event concerns (callbacks
// name our payment or link id, not the tenant), in a short transaction of
// its own.
func CallbackOwner(ctx context.Context, s *core.Env, ev gateway.Event) (string, error) {
	var owner string
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		switch ev.Type {
		case gateway.EventLinkSucceeded, gateway.EventLinkFailed:
			l, err := tx.LinkedAccounts().LookupForUpdate(ctx, ev.LinkID)
			owner = l.AccountID
			return core.MapNotFound(err, billingtype.ErrCallbackRejected, ev.LinkID)
		case gateway.EventRefundSucceeded:
			if ev.PaymentID == "" {
				return fmt.Errorf("%w: refund event without a payment id", billingtype.ErrCallbackRejected)
			}
		}
		p, err := tx.Payments().LookupForUpdate(ctx, ev.PaymentID)
		owner = p.AccountID
		return core.MapNotFound(err, billingtype.ErrCallbackRejected, ev.PaymentID)
	})
	return owner, err
}

// ApplyEvent applies a verified, first-seen event of account owner inside
// tx, which holds the account's lock.
func ApplyEvent(ctx context.Context, s *core.Env, tx storage.Tx, owner string, ev gateway.Event, res *billingtype.CallbackResult) error {
	switch ev.Type {
	case gateway.EventLinkSucceeded, gateway.EventLinkFailed:
		return activateLink(ctx, s, tx, owner, ev)
	case gateway.EventRefundSucceeded:
		return nil
	}
	sp, err := tx.Payments().GetForUpdate(ctx, owner, ev.PaymentID)
	if err != nil {
		return core.MapNotFound(err, billingtype.ErrCallbackRejected, ev.PaymentID)
	}
	if sp.Gateway != ev.Gateway {
		return fmt.Errorf("%w: payment %q is not a %s payment", billingtype.ErrCallbackRejected, sp.ID, ev.Gateway)
	}
	if ev.Type == gateway.EventPaymentSucceeded && !ev.Amount.Equal(sp.FromGateway) {
		return fmt.Errorf("%w: payment %q expects %s from the gateway, callback says %s", billingtype.ErrCallbackRejected, sp.ID, sp.FromGateway, ev.Amount)
	}
	before := sp
	st := payment.Status(sp.Status)
	switch ev.Type {
	case gateway.EventPaymentSucceeded:
		if st == payment.StatusFailed || st == payment.StatusExpired || st == payment.StatusCanceled {
			res.LateCredit = true
			return ledger.CreditLatePayment(ctx, s, tx, sp)
		}
		err = settle.CompleteSuccess(ctx, s, tx, &sp, ev.GatewayRef)
	case gateway.EventPaymentFailed:
		err = settle.CompleteFailure(ctx, s, tx, &sp, payment.EventFail, core.OrDefault(ev.FailureReason, "declined by the gateway"))
	case gateway.EventPaymentExpired:
		err = settle.CompleteFailure(ctx, s, tx, &sp, payment.EventExpire, "expired at the gateway")
	default:
		return fmt.Errorf("%w: unhandled event type %s", billingtype.ErrCallbackRejected, ev.Type)
	}
	if err != nil || sp == before {
		return err
	}
	_, err = tx.Payments().Update(ctx, sp)
	return err
}
