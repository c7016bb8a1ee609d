package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

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
func (s *System) Pay(ctx context.Context, key string, req PayRequest) (_ Payment, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Pay")
	defer op.End(&err)
	if err := validatePay(req); err != nil {
		return Payment{}, err
	}
	if req.Purpose.Kind == payment.PurposeTopUp || req.Purpose.Kind == payment.PurposePaymentLink {
		return Payment{}, &RequestError{Field: "Purpose", Reason: "top-ups use TopUp and payment links PayLink"}
	}
	return pay.Pay(ctx, s.env, key, "payment.pay", req)
}

// TopUpRequest adds cash credit to an account's wallet through a gateway:
// a redirect, or a charge of a linked account when LinkedAccountID is set.
type TopUpRequest struct {
	AccountID       string       `json:"account_id"`
	Amount          money.Amount `json:"amount"`
	Gateway         string       `json:"gateway,omitempty"`
	LinkedAccountID string       `json:"linked_account_id,omitempty"`
	ReturnURL       string       `json:"return_url,omitempty"`
	// ClientIP is the payer's IP address (IPv4 or IPv6) as the host saw
	// it, handed to the gateway, which some require (VNPay's vnp_IpAddr;
	// without it the adapter's configured default). It is not part of the
	// request's idempotency fingerprint: a retry from another address is
	// the same request.
	ClientIP string `json:"-"`
}

// TopUp starts a top-up. The wallet is credited (a top_up journal entry,
// gateway clearing → customer cash) when the gateway confirms: at once for
// a linked-account charge that succeeds, else on the payment.succeeded
// callback — exactly once, however often the callback arrives.
func (s *System) TopUp(ctx context.Context, key string, req TopUpRequest) (_ Payment, err error) {
	ctx, op := s.env.Tel.Start(ctx, "TopUp")
	defer op.End(&err)
	if err := validateTopUp(req); err != nil {
		return Payment{}, err
	}
	method := payment.MethodGateway
	if req.LinkedAccountID != "" {
		method = payment.MethodLinkedAccount
	}
	return pay.Pay(ctx, s.env, key, "payment.top_up", PayRequest{
		AccountID: req.AccountID, Amount: req.Amount, Method: method, Gateway: req.Gateway,
		LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL, ClientIP: req.ClientIP, Description: "wallet top-up",
		Purpose: payment.Purpose{Kind: payment.PurposeTopUp, Ref: "wallet"},
	})
}

// Payment returns one of the account's payments, or ErrPaymentNotFound
// (also for another account's payment).
func (s *System) Payment(ctx context.Context, accountID, id string) (_ Payment, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Payment")
	defer op.End(&err)
	return s.env.ShowPayment(ctx, accountID, id)
}

// Payments returns a page of the account's payments, newest first (see
// ListRequest for paging; a cursor is a payment id).
func (s *System) Payments(ctx context.Context, req ListRequest) (_ Page[Payment], err error) {
	ctx, op := s.env.Tel.Start(ctx, "Payments")
	defer op.End(&err)
	if err := req.check(false); err != nil {
		return Page[Payment]{}, err
	}
	var out []Payment
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		list, err := tx.Payments().List(ctx, req.AccountID, req.After, req.Limit)
		if err != nil {
			return cursorNotFound(err, ErrPaymentNotFound, req.After)
		}
		out = out[:0]
		for _, p := range list {
			out = append(out, core.PaymentView(p, s.env.Zone(acct)))
		}
		return nil
	})
	if err != nil {
		return Page[Payment]{}, err
	}
	return pageOf(out, req.Limit, func(p Payment) string { return p.ID }), nil
}
