package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// GetAccount reads (and optionally locks) an account, mapping a missing one
// to ErrAccountNotFound.
func GetAccount(ctx context.Context, tx storage.Tx, id string, forUpdate bool) (storage.Account, error) {
	get := tx.Accounts().Get
	if forUpdate {
		get = tx.Accounts().GetForUpdate
	}
	a, err := get(ctx, id)
	return a, MapNotFound(err, billingtype.ErrAccountNotFound, id)
}

// ReadPayment reads one payment of an account in its own transaction. A
// payment still created (about to be submitted to its gateway) comes with
// its times as the store returned them; any other is shown, its times in
// the account's billing zone, which TimeZone names (one more read, of the
// account).
func (s *Env) ReadPayment(ctx context.Context, accountID, id string) (billingtype.Payment, error) {
	return s.readPayment(ctx, accountID, id, false)
}

// ShowPayment is ReadPayment that always shows the payment in the
// account's billing zone.
func (s *Env) ShowPayment(ctx context.Context, accountID, id string) (billingtype.Payment, error) {
	return s.readPayment(ctx, accountID, id, true)
}

func (s *Env) readPayment(ctx context.Context, accountID, id string, zoned bool) (billingtype.Payment, error) {
	var out billingtype.Payment
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// The payment and its account, the transaction's only reads:
		// one round trip, BEGIN to its end.
		storage.ReadAhead(storage.LastReads(ctx), tx, storage.ReadPayment(accountID, id), storage.ReadAccount(accountID, false))
		sp, err := tx.Payments().Get(ctx, accountID, id)
		if err != nil {
			return MapNotFound(err, billingtype.ErrPaymentNotFound, id)
		}
		if out = PaymentView(sp, nil); !zoned && sp.Status == payment.StatusCreated {
			return nil
		}
		acct, err := GetAccount(ctx, tx, accountID, false)
		out = PaymentView(sp, s.Zone(acct))
		return err
	})
	if err != nil {
		return billingtype.Payment{}, err
	}
	return out, nil
}

// MapNotFound turns storage.ErrNotFound into the caller's typed error.
func MapNotFound(err, target error, id string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%w: %q", target, id)
	}
	return err
}
