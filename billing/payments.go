package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// Payment is a payment as the portal and the host see it.
type Payment struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	Purpose   payment.Purpose `json:"purpose"`
	Method    payment.Method  `json:"method"`
	Status    payment.Status  `json:"status"`
	// Amount = FromCredit + FromGateway.
	Amount      money.Amount `json:"amount"`
	FromCredit  money.Amount `json:"from_credit"`
	FromGateway money.Amount `json:"from_gateway"`
	Refunded    money.Amount `json:"refunded"`
	Gateway     string       `json:"gateway,omitempty"`
	GatewayRef  string       `json:"gateway_ref,omitempty"`
	// RedirectURL is where to send the customer to finish a pending
	// redirect payment.
	RedirectURL     string    `json:"redirect_url,omitempty"`
	LinkedAccountID string    `json:"linked_account_id,omitempty"`
	FailureReason   string    `json:"failure_reason,omitempty"`
	Description     string    `json:"description,omitempty"`
	ExpiresAt       time.Time `json:"expires_at"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func paymentView(p storage.Payment) Payment {
	return Payment{
		ID: p.ID, AccountID: p.AccountID,
		Purpose: payment.Purpose{Kind: payment.PurposeKind(p.Purpose), Ref: p.PurposeRef},
		Method:  payment.Method(p.Method), Status: payment.Status(p.Status),
		Amount: p.Amount, FromCredit: p.FromCredit, FromGateway: p.FromGateway, Refunded: p.Refunded,
		Gateway: p.Gateway, GatewayRef: p.GatewayRef, RedirectURL: p.RedirectURL,
		LinkedAccountID: p.LinkedAccountID, FailureReason: p.FailureReason, Description: p.Description,
		ExpiresAt: p.ExpiresAt, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// PayRequest pays an amount of an account by one of the seed's methods.
type PayRequest struct {
	AccountID string       `json:"account_id"`
	Amount    money.Amount `json:"amount"`
	// Method is payment.MethodCredit, MethodTopUpAndPay, MethodGateway or
	// MethodLinkedAccount.
	Method payment.Method `json:"method"`
	// Purpose says what is paid: an order or an invoice (top-ups go
	// through TopUp, payment links through PayLink).
	Purpose payment.Purpose `json:"purpose"`
	// Gateway names the gateway of a MethodGateway or MethodTopUpAndPay
	// payment (ignored when credit covers all of it).
	Gateway string `json:"gateway,omitempty"`
	// LinkedAccountID picks the linked account of a MethodLinkedAccount
	// payment; "" means the account's default.
	LinkedAccountID string `json:"linked_account_id,omitempty"`
	// ReturnURL is where the gateway sends the customer back to.
	ReturnURL   string `json:"return_url,omitempty"`
	Description string `json:"description,omitempty"`
}

// Pay pays req.Amount for req.Purpose, an order or an invoice of the
// same account. An order is paid exactly in full while it waits for
// payment, an invoice in parts up to what is outstanding; anything else is
// refused before money moves: another account's or an unknown order or
// invoice is not found (ErrOrderNotFound, ErrInvoiceNotFound), a settled,
// failed or void one is ErrNotPayable, a wrong amount ErrAmountDue. If the
// obligation is settled another way before this payment's money arrives,
// the money goes to the account's cash credit (EventPaymentCredited).
//
//   - MethodCredit takes everything from the wallet at once (promotional
//     credit first by default) or fails with payment.ErrInsufficientCredit,
//     changing nothing.
//   - MethodTopUpAndPay uses all available credit and sends the rest to
//     the gateway: the credit is held (not spendable elsewhere) until the
//     gateway's callback confirms — then captured — or the payment fails or
//     expires — then released. With enough credit it settles at once.
//   - MethodGateway sends everything to the gateway (a redirect); the
//     wallet is untouched.
//   - MethodLinkedAccount charges a stored linked account without a
//     redirect; the wallet is untouched.
//
// The returned payment is succeeded, or pending with a RedirectURL, or
// failed (a declined charge). Pay is idempotent per (AccountID, key): a
// retry returns the same payment and, if the gateway could not be reached
// the first time (an error matching ErrGatewayUnavailable, payment left
// "created"), tries the gateway again with the same payment id.
func (s *System) Pay(ctx context.Context, key string, req PayRequest) (Payment, error) {
	if err := validatePay(req); err != nil {
		return Payment{}, err
	}
	if req.Purpose.Kind == payment.PurposeTopUp || req.Purpose.Kind == payment.PurposePaymentLink {
		return Payment{}, &RequestError{Field: "Purpose", Reason: "top-ups use TopUp and payment links PayLink"}
	}
	return s.pay(ctx, key, "payment.pay", req)
}

// TopUpRequest adds cash credit to an account's wallet through a gateway:
// a redirect, or a charge of a linked account when LinkedAccountID is set.
type TopUpRequest struct {
	AccountID       string       `json:"account_id"`
	Amount          money.Amount `json:"amount"`
	Gateway         string       `json:"gateway,omitempty"`
	LinkedAccountID string       `json:"linked_account_id,omitempty"`
	ReturnURL       string       `json:"return_url,omitempty"`
}

// TopUp starts a top-up. The wallet is credited (a top_up journal entry,
// gateway clearing → customer cash) when the gateway confirms: at once for
// a linked-account charge that succeeds, else on the payment.succeeded
// callback — exactly once, however often the callback arrives.
func (s *System) TopUp(ctx context.Context, key string, req TopUpRequest) (Payment, error) {
	if err := validateTopUp(req); err != nil {
		return Payment{}, err
	}
	method := payment.MethodGateway
	if req.LinkedAccountID != "" {
		method = payment.MethodLinkedAccount
	}
	return s.pay(ctx, key, "payment.top_up", PayRequest{
		AccountID: req.AccountID, Amount: req.Amount, Method: method, Gateway: req.Gateway,
		LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL, Description: "wallet top-up",
		Purpose: payment.Purpose{Kind: payment.PurposeTopUp, Ref: "wallet"},
	})
}

// pay runs the two halves of every payment: the idempotent transaction
// that records it (and settles it when no gateway is involved), then the
// gateway call made outside any transaction.
func (s *System) pay(ctx context.Context, key, op string, req PayRequest) (Payment, error) {
	if err := req.Purpose.Allows(req.Method); err != nil {
		return Payment{}, &RequestError{Field: "Method", Reason: err.Error(), Err: err}
	}
	if err := payment.ValidateAmount(req.Amount); err != nil {
		return Payment{}, &RequestError{Field: "Amount", Reason: err.Error(), Err: err}
	}
	if req.Method == payment.MethodGateway || req.Method == payment.MethodTopUpAndPay {
		if _, err := s.gateway(req.Gateway); err != nil {
			return Payment{}, err
		}
	}
	id, err := idempotent(ctx, s, req.AccountID, key, op, req, func(ctx context.Context, tx storage.Tx) (string, error) {
		acct, err := getAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return "", err
		}
		if k := req.Purpose.Kind; k == payment.PurposeOrder || k == payment.PurposeInvoice {
			// What is paid for must be owed, by this account, for this
			// amount — checked before any money moves.
			ob, err := s.loadObligation(ctx, tx, acct, req.Purpose)
			if err != nil {
				return "", err
			}
			if err := sameCurrency(acct, req.Amount); err != nil {
				return "", err
			}
			if err := ob.payable(req.Amount); err != nil {
				return "", err
			}
		}
		p, err := s.preparePayment(ctx, tx, acct, req)
		return p.ID, err
	})
	if err != nil {
		return Payment{}, err
	}
	return s.submitPayment(ctx, req.AccountID, id, req.ReturnURL)
}

// preparePayment records a payment inside the caller's transaction (the
// account already locked): it splits the amount, spends or holds the credit
// part, and settles at once when no gateway is needed. Checkout calls it
// inside its own transaction so that the order and its payment commit
// together.
func (s *System) preparePayment(ctx context.Context, tx storage.Tx, acct Account, req PayRequest) (storage.Payment, error) {
	if err := sameCurrency(acct, req.Amount); err != nil {
		return storage.Payment{}, err
	}
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return storage.Payment{}, err
	}
	now := s.now()
	split, err := payment.SplitPayment(req.Method, req.Amount, ws.wallet.Available(now))
	if err != nil {
		return storage.Payment{}, err
	}
	id, err := s.newID("pay")
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
		p.ExpiresAt = now.Add(s.cfg.PaymentTimeout)
		if req.Method == payment.MethodLinkedAccount {
			la, err := s.chosenLinkedAccount(ctx, tx, acct.ID, req.LinkedAccountID)
			if err != nil {
				return storage.Payment{}, err
			}
			p.LinkedAccountID, p.Gateway = la.ID, la.Gateway
		} else {
			p.Gateway = req.Gateway
		}
	}
	if split.FromCredit.IsPositive() {
		plan, err := ws.wallet.PlanSpend(split.FromCredit, now, s.cfg.SpendPolicy)
		if err != nil {
			return storage.Payment{}, err
		}
		meta := payment.EntryMeta{At: now, Memo: req.Description, Reference: payment.Reference{Type: payment.RefPayment, ID: id}}
		var e payment.Entry
		if split.NeedsGateway() {
			meta.ID = entryID(payment.EntryHold, id)
			e, err = payment.HoldEntry(meta, id, plan)
		} else {
			meta.ID = entryID(payment.EntryPayment, id)
			e, err = payment.SpendEntry(meta, plan)
		}
		if err != nil {
			return storage.Payment{}, err
		}
		if _, err := appendEntryAfter(ctx, tx, acct, e, time.Time{}, &ws); err != nil {
			return storage.Payment{}, err
		}
	}
	if !split.NeedsGateway() {
		p.Status = payment.StatusSucceeded
		if err := tx.Payments().Create(ctx, p); err != nil {
			return storage.Payment{}, err
		}
		return p, s.paymentSettled(ctx, tx, acct, &p)
	}
	return p, tx.Payments().Create(ctx, p)
}

// submitPayment hands a created payment's gateway part to its gateway,
// outside any transaction, and records the answer. Payments past that
// step are returned as they are.
func (s *System) submitPayment(ctx context.Context, accountID, id, returnURL string) (Payment, error) {
	p, err := s.readPayment(ctx, accountID, id)
	if err != nil || p.Status != payment.StatusCreated {
		return p, err
	}
	gw, err := s.gateway(p.Gateway)
	if err != nil {
		return p, err
	}
	if p.Method == payment.MethodLinkedAccount {
		return s.chargeLinked(ctx, gw, p)
	}
	redirect, err := gw.CreatePayment(ctx, gateway.PaymentRequest{
		PaymentID: p.ID, AccountID: p.AccountID, Amount: p.FromGateway,
		Description: p.Description, ReturnURL: returnURL, ExpiresAt: p.ExpiresAt,
	})
	if err != nil {
		if gateway.Retryable(err) {
			return p, fmt.Errorf("%w: %s: %w", ErrGatewayUnavailable, gw.Name(), err)
		}
		return s.settleFailure(ctx, p.AccountID, p.ID, payment.EventFail, "gateway refused: "+err.Error())
	}
	return s.updatePayment(ctx, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
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
func (s *System) chargeLinked(ctx context.Context, gw gateway.Gateway, p Payment) (Payment, error) {
	var token string
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
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
		return s.settleFailure(ctx, p.AccountID, p.ID, payment.EventFail, "linked account was unlinked")
	}
	res, err := gw.Charge(ctx, gateway.ChargeRequest{PaymentID: p.ID, AccountID: p.AccountID, Token: gateway.NewToken(token), Amount: p.FromGateway})
	switch {
	case err != nil && gateway.Retryable(err):
		return p, fmt.Errorf("%w: %s: %w", ErrGatewayUnavailable, gw.Name(), err)
	case err != nil:
		return s.settleFailure(ctx, p.AccountID, p.ID, payment.EventFail, "gateway refused: "+err.Error())
	case res.Status == gateway.ChargeSucceeded:
		return s.settleSuccess(ctx, p.AccountID, p.ID, res.GatewayRef)
	case res.Status == gateway.ChargeFailed:
		return s.settleFailure(ctx, p.AccountID, p.ID, payment.EventFail, res.FailureReason)
	default: // pending: the callback settles it
		return s.updatePayment(ctx, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
			if payment.Status(sp.Status) != payment.StatusCreated {
				return nil
			}
			sp.Status, sp.GatewayRef = payment.StatusPending, res.GatewayRef
			return nil
		})
	}
}

// Payment returns one of the account's payments, or ErrPaymentNotFound
// (also for another account's payment).
func (s *System) Payment(ctx context.Context, accountID, id string) (Payment, error) {
	return s.readPayment(ctx, accountID, id)
}

// readPayment reads one payment of an account in its own transaction.
func (s *System) readPayment(ctx context.Context, accountID, id string) (Payment, error) {
	var out storage.Payment
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		out, err = tx.Payments().Get(ctx, accountID, id)
		return mapNotFound(err, ErrPaymentNotFound, id)
	})
	if err != nil {
		return Payment{}, err
	}
	return paymentView(out), nil
}

// Payments returns a page of the account's payments, newest first (see
// ListRequest for paging; a cursor is a payment id).
func (s *System) Payments(ctx context.Context, req ListRequest) (Page[Payment], error) {
	if err := req.check(false); err != nil {
		return Page[Payment]{}, err
	}
	var out []Payment
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := getAccount(ctx, tx, req.AccountID, false); err != nil {
			return err
		}
		list, err := tx.Payments().List(ctx, req.AccountID, req.After, req.Limit)
		if err != nil {
			return cursorNotFound(err, ErrPaymentNotFound, req.After)
		}
		out = out[:0]
		for _, p := range list {
			out = append(out, paymentView(p))
		}
		return nil
	})
	if err != nil {
		return Page[Payment]{}, err
	}
	return pageOf(out, req.Limit, func(p Payment) string { return p.ID }), nil
}

// gateway returns the configured gateway called name.
func (s *System) gateway(name string) (gateway.Gateway, error) {
	if name == "" {
		return nil, &RequestError{Field: "Gateway", Reason: "is required for this payment method", Err: ErrUnknownGateway}
	}
	g, ok := s.gateways[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownGateway, name)
	}
	return g, nil
}

// mapNotFound turns storage.ErrNotFound into the caller's typed error.
func mapNotFound(err, target error, id string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%w: %q", target, id)
	}
	return err
}
