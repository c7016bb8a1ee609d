package pay

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// Pay runs the two halves of every payment: the idempotent transaction
// that records it (and settles it when no gateway is involved), then the
// gateway call made outside any transaction.
func Pay(ctx context.Context, s *core.Env, key, op string, req billingtype.PayRequest) (billingtype.Payment, error) {
	if err := req.Purpose.Allows(req.Method); err != nil {
		return billingtype.Payment{}, &billingtype.RequestError{Field: "Method", Reason: err.Error(), Err: err}
	}
	if err := payment.ValidateAmount(req.Amount); err != nil {
		return billingtype.Payment{}, &billingtype.RequestError{Field: "Amount", Reason: err.Error(), Err: err}
	}
	if req.Method == payment.MethodGateway || req.Method == payment.MethodTopUpAndPay {
		if _, err := s.Gateway(req.Gateway); err != nil {
			return billingtype.Payment{}, err
		}
	}
	// What the committed transaction wrote, shown without reading it back
	// when nothing is left to submit to a gateway.
	var (
		written     storage.Payment
		writtenAcct storage.Account
	)
	id, ran, err := txn.IdempotentRan(ctx, s, req.AccountID, key, op, req, func(ctx context.Context, tx storage.Tx) (string, error) {
		// Everything the payment reads goes out in one round trip, after
		// the account's lock (so each read sees what the lock's last
		// holder committed) and with the key's claim.
		storage.ReadAhead(ctx, tx, payReads(req)...)
		acct, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return "", err
		}
		if k := req.Purpose.Kind; k == payment.PurposeOrder || k == payment.PurposeInvoice {
			// What is paid for must be owed, by this account, for this
			// amount — checked before any money moves.
			ob, err := settle.LoadObligation(ctx, s, tx, acct, req.Purpose)
			if err != nil {
				return "", err
			}
			if err := core.SameCurrency(acct, req.Amount); err != nil {
				return "", err
			}
			if err := ob.Payable(req.Amount); err != nil {
				return "", err
			}
			if o := ob.Order(); o != nil {
				// Locked just now: settling it reads it no more, nor the
				// resources it creates, read here with it (read ahead).
				k := &settle.Known{Order: *o}
				if o.Kind == order.KindCreate || o.Kind == "" {
					if k.Resources, err = tx.Resources().ListByOrder(ctx, acct.ID, o.ID); err != nil {
						return "", err
					}
					k.ResourcesComplete = true
				}
				ctx = settle.WithKnown(ctx, k)
			}
		}
		p, err := PreparePayment(ctx, s, tx, acct, req)
		written, writtenAcct = p, acct
		return p.ID, err
	})
	if err != nil {
		return billingtype.Payment{}, err
	}
	if ran && written.ID == id && written.Status == payment.StatusSucceeded {
		return core.PaymentView(written, s.Zone(writtenAcct)), nil
	}
	return SubmitPayment(ctx, s, req.AccountID, id, Payer{ReturnURL: req.ReturnURL, ClientIP: req.ClientIP})
}

// payReads are the reads Pay makes, in its order: the account's lock, the
// order or invoice paid for (locked), the order's resources, and the
// wallet's balances.
func payReads(req billingtype.PayRequest) []storage.Read {
	reads := make([]storage.Read, 0, 4)
	reads = append(reads, storage.ReadAccount(req.AccountID, true))
	switch req.Purpose.Kind {
	case payment.PurposeOrder:
		reads = append(reads, storage.ReadOrder(req.AccountID, req.Purpose.Ref, true),
			storage.ReadResourcesByOrder(req.AccountID, req.Purpose.Ref))
	case payment.PurposeInvoice:
		reads = append(reads, storage.ReadInvoiceForUpdate(req.AccountID, req.Purpose.Ref))
	}
	return append(reads, storage.ReadBalances(req.AccountID))
}

// PreparePayment records a payment inside the caller's transaction (the
// account already locked): it splits the amount, spends or holds the credit
// part, and settles at once when no gateway is needed. Checkout calls it
// inside its own transaction so that the order and its payment commit
// together.
func PreparePayment(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, req billingtype.PayRequest) (storage.Payment, error) {
	return PreparePaymentWith(ctx, s, tx, acct, nil, req)
}

// PreparePaymentWith is PreparePayment spending from wallet, the
// account's wallet read under its lock by a caller that has written
// nothing to the ledger since (it reads it before its own writes, so that
// the read goes out with the lock); nil reads it here.
func PreparePaymentWith(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, wallet *ledger.WalletState, req billingtype.PayRequest) (storage.Payment, error) {
	if err := core.SameCurrency(acct, req.Amount); err != nil {
		return storage.Payment{}, err
	}
	var ws ledger.WalletState
	if wallet != nil {
		ws = *wallet
	} else {
		var err error
		if ws, err = ledger.LoadWallet(ctx, tx, acct); err != nil {
			return storage.Payment{}, err
		}
	}
	now := s.Now()
	split, err := payment.SplitPayment(req.Method, req.Amount, ws.Wallet.Available(now))
	if err != nil {
		return storage.Payment{}, err
	}
	id, err := s.NewID("pay")
	if err != nil {
		return storage.Payment{}, err
	}
	zero := req.Amount.MulInt(0)
	p := storage.Payment{
		ID: id, AccountID: acct.ID, Purpose: req.Purpose.Kind, PurposeRef: req.Purpose.Ref,
		Method: req.Method, Status: payment.StatusCreated,
		Amount: req.Amount, FromCredit: split.FromCredit, FromGateway: split.FromGateway, Refunded: zero,
		Description: req.Description, CreatedAt: now, UpdatedAt: now,
	}
	if split.NeedsGateway() {
		p.ExpiresAt = now.Add(s.Cfg.PaymentTimeout)
		if req.Method == payment.MethodLinkedAccount {
			la, err := chosenLinkedAccount(ctx, s, tx, acct.ID, req.LinkedAccountID)
			if err != nil {
				return storage.Payment{}, err
			}
			p.LinkedAccountID, p.Gateway = la.ID, la.Gateway
		} else {
			p.Gateway = req.Gateway
		}
	}
	wctx := storage.DeferWrites(ctx) // made once for the writes below
	if split.FromCredit.IsPositive() {
		plan, err := ws.Wallet.PlanSpend(split.FromCredit, now, s.Cfg.SpendPolicy)
		if err != nil {
			return storage.Payment{}, err
		}
		meta := payment.EntryMeta{At: now, Memo: req.Description, Reference: payment.Reference{Type: payment.RefPayment, ID: id}}
		var e payment.Entry
		if split.NeedsGateway() {
			meta.ID = ledger.EntryID(payment.EntryHold, id)
			e, err = payment.HoldEntry(meta, id, plan)
		} else {
			meta.ID = ledger.EntryID(payment.EntryPayment, id)
			e, err = payment.SpendEntry(meta, plan)
		}
		if err != nil {
			return storage.Payment{}, err
		}
		// Held back: the plan spends what the wallet read under the
		// account lock holds, so the store's refusal of a negative
		// balance is a safety net that fails the transaction.
		if _, err := ledger.AppendEntryAfter(wctx, tx, acct, e, time.Time{}, &ws); err != nil {
			return storage.Payment{}, err
		}
	}
	if !split.NeedsGateway() {
		p.Status = payment.StatusSucceeded
		if err := tx.Payments().Create(wctx, p); err != nil {
			return storage.Payment{}, err
		}
		err := settle.PaymentSettled(ctx, s, tx, acct, &p)
		return p, err
	}
	return p, tx.Payments().Create(wctx, p)
}

// Payer is what the host saw of the customer a redirect payment is made
// for: where the gateway sends them back, and their IP address. The
// worker, which resubmits payments on its own, has neither.
type Payer struct {
	ReturnURL, ClientIP string
}

// SubmitPayment hands a created payment's gateway part to its gateway,
// outside any transaction, and records the answer. Payments past that
// step are returned as they are.
func SubmitPayment(ctx context.Context, s *core.Env, accountID, id string, payer Payer) (billingtype.Payment, error) {
	p, err := s.ReadPayment(ctx, accountID, id)
	if err != nil || p.Status != payment.StatusCreated {
		return p, err
	}
	gw, err := s.Gateway(p.Gateway)
	if err != nil {
		return p, err
	}
	if p.Method == payment.MethodLinkedAccount {
		return chargeLinked(ctx, s, gw, p)
	}
	gctx, call := s.Tel.StartGateway(ctx, gw.Name(), "CreatePayment")
	redirect, err := gw.CreatePayment(gctx, gateway.PaymentRequest{
		PaymentID: p.ID, AccountID: p.AccountID, Amount: p.FromGateway,
		Description: p.Description, ReturnURL: payer.ReturnURL, ClientIP: payer.ClientIP, ExpiresAt: p.ExpiresAt, CreatedAt: p.CreatedAt,
	})
	call.End(err)
	if err != nil {
		if gateway.Retryable(err) {
			return p, fmt.Errorf("%w: %s: %w", billingtype.ErrGatewayUnavailable, gw.Name(), err)
		}
		return settle.SettleFailure(ctx, s, p.AccountID, p.ID, payment.EventFail, "gateway refused: "+err.Error())
	}
	return settle.UpdatePayment(ctx, s, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		if payment.Status(sp.Status) != payment.StatusCreated {
			return nil // a callback got here first
		}
		next, err := payment.Next(payment.StatusCreated, payment.EventSubmit)
		if err != nil {
			return err
		}
		sp.Status, sp.RedirectURL, sp.GatewayRef = next, redirect.URL, redirect.GatewayRef
		return nil
	})
}

// chargeLinked charges a linked account's token and records the result.
func chargeLinked(ctx context.Context, s *core.Env, gw gateway.Gateway, p billingtype.Payment) (billingtype.Payment, error) {
	var token string
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		la, err := tx.LinkedAccounts().Get(ctx, p.AccountID, p.LinkedAccountID)
		if err != nil {
			return err
		}
		token = la.Token
		return nil
	})
	if err != nil {
		return p, err
	}
	if token == "" {
		return settle.SettleFailure(ctx, s, p.AccountID, p.ID, payment.EventFail, "linked account was unlinked")
	}
	gctx, call := s.Tel.StartGateway(ctx, gw.Name(), "Charge")
	res, err := gw.Charge(gctx, gateway.ChargeRequest{PaymentID: p.ID, AccountID: p.AccountID, Token: gateway.NewToken(token), Amount: p.FromGateway, CreatedAt: p.CreatedAt})
	call.End(err)
	switch {
	case err != nil && gateway.Retryable(err):
		return p, fmt.Errorf("%w: %s: %w", billingtype.ErrGatewayUnavailable, gw.Name(), err)
	case err != nil:
		return settle.SettleFailure(ctx, s, p.AccountID, p.ID, payment.EventFail, "gateway refused: "+err.Error())
	case res.Status == gateway.ChargeSucceeded:
		return settle.SettleSuccess(ctx, s, p.AccountID, p.ID, res.GatewayRef)
	case res.Status == gateway.ChargeFailed:
		return settle.SettleFailure(ctx, s, p.AccountID, p.ID, payment.EventFail, res.FailureReason)
	default: // pending: the callback settles it
		return settle.UpdatePayment(ctx, s, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
			if payment.Status(sp.Status) != payment.StatusCreated {
				return nil
			}
			sp.Status, sp.GatewayRef = payment.StatusPending, res.GatewayRef
			return nil
		})
	}
}
