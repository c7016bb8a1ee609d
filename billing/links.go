package billing

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// PaymentLinkRequest creates a shareable link through which anyone can pay
// an order or an invoice of the account, through a gateway.
type PaymentLinkRequest struct {
	AccountID string `json:"account_id"`
	// Amount, when set, must equal what the order or invoice has
	// outstanding (an *AmountDueError otherwise); leave it zero to take
	// the outstanding amount.
	Amount      money.Amount    `json:"amount"`
	Purpose     payment.Purpose `json:"purpose"`
	Description string          `json:"description,omitempty"`
}

// PaymentLink is a payment link as its owner and its payer see it.
type PaymentLink struct {
	// Token is the unguessable part of the link's URL; share it only with
	// the intended payer.
	Token       string          `json:"token"`
	AccountID   string          `json:"account_id"`
	Amount      money.Amount    `json:"amount"`
	Purpose     payment.Purpose `json:"purpose"`
	Description string          `json:"description,omitempty"`
	// Status is PaymentLinkOpen or PaymentLinkPaid; an open link past
	// ExpiresAt is unusable.
	Status    PaymentLinkStatus `json:"status"`
	PaymentID string            `json:"payment_id,omitempty"`
	ExpiresAt time.Time         `json:"expires_at"`
	CreatedAt time.Time         `json:"created_at"`
}

func linkView(l storage.PaymentLink) PaymentLink {
	return PaymentLink{Token: l.Token, AccountID: l.AccountID, Amount: l.Amount,
		Purpose:     payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef},
		Description: l.Description, Status: PaymentLinkStatus(l.Status), PaymentID: l.PaymentID, ExpiresAt: l.ExpiresAt, CreatedAt: l.CreatedAt}
}

// CreatePaymentLink creates a payment link valid for Config.PaymentLinks
// (3 days by default) for what an order or invoice of the account has
// outstanding. Another account's, unknown or malformed references are not
// found (ErrOrderNotFound, ErrInvoiceNotFound); an obligation with
// nothing outstanding is ErrNotPayable; an Amount other than the
// outstanding one is ErrAmountDue. Idempotent per (AccountID, key).
func (s *System) CreatePaymentLink(ctx context.Context, key string, req PaymentLinkRequest) (_ PaymentLink, err error) {
	ctx, op := s.env.Tel.Start(ctx, "CreatePaymentLink")
	defer op.End(&err)
	if err := validatePaymentLink(req); err != nil {
		return PaymentLink{}, err
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "payment_link.create", req, func(ctx context.Context, tx storage.Tx) (PaymentLink, error) {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return PaymentLink{}, err
		}
		ob, err := settle.LoadObligation(ctx, s.env, tx, acct, req.Purpose)
		if err != nil {
			return PaymentLink{}, err
		}
		if req.Amount.IsZero() && req.Amount.Currency().IsZero() {
			req.Amount = ob.Outstanding
		}
		if err := core.SameCurrency(acct, req.Amount); err != nil {
			return PaymentLink{}, err
		}
		if err := ob.Payable(req.Amount); err != nil {
			return PaymentLink{}, err
		}
		if c, _ := req.Amount.Cmp(ob.Outstanding); c != 0 {
			return PaymentLink{}, &AmountDueError{Kind: ob.Kind, ID: ob.Id, Due: ob.Outstanding, Got: req.Amount}
		}
		token, err := payment.ReadLinkToken(s.cfg.Random)
		if err != nil {
			return PaymentLink{}, err
		}
		now := s.env.Now()
		l, err := payment.NewPaymentLink(s.cfg.PaymentLinks, token.String(), token, req.Purpose, req.Amount, now)
		if err != nil {
			return PaymentLink{}, &RequestError{Field: linkRequestField(err), Reason: err.Error(), Err: err}
		}
		rec := storage.PaymentLink{Token: token.String(), AccountID: acct.ID, Amount: req.Amount,
			Purpose: string(req.Purpose.Kind), PurposeRef: req.Purpose.Ref, Description: req.Description,
			Status: core.LinkOpen, ExpiresAt: l.ExpiresAt, CreatedAt: now, UpdatedAt: now}
		if err := tx.PaymentLinks().Create(ctx, rec); err != nil {
			return PaymentLink{}, err
		}
		return linkView(rec), nil
	})
}

// PaymentLinkByToken returns the link a payer opened, or
// ErrPaymentLinkNotFound.
func (s *System) PaymentLinkByToken(ctx context.Context, token string) (_ PaymentLink, err error) {
	ctx, op := s.env.Tel.Start(ctx, "PaymentLinkByToken")
	defer op.End(&err)
	var out PaymentLink
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		l, err := tx.PaymentLinks().GetForUpdate(ctx, token)
		if err != nil {
			return core.MapNotFound(err, ErrPaymentLinkNotFound, "")
		}
		out = linkView(l)
		return nil
	})
	return out, err
}

// PayLinkRequest is a payer's payment of a link, through a gateway.
type PayLinkRequest struct {
	Token     string `json:"token"`
	Gateway   string `json:"gateway"`
	ReturnURL string `json:"return_url,omitempty"`
	// ClientIP is the payer's IP address (IPv4 or IPv6) as the host saw
	// it, handed to the gateway, which some require (VNPay's vnp_IpAddr;
	// without it the adapter's configured default). It is not part of the
	// request's idempotency fingerprint: a retry from another address is
	// the same request.
	ClientIP string `json:"-"`
}

// PayLink starts the gateway payment of a payment link on behalf of its
// account. A paid link (payment.ErrLinkPaid), one past its expiry
// (payment.ErrLinkExpired), or one whose order or invoice has meanwhile
// been settled another way (ErrNotPayable) is refused. Money that still
// arrives for a settled obligation goes to the account's cash credit. The link becomes paid when the
// gateway confirms. The idempotency key is scoped to the link's account.
func (s *System) PayLink(ctx context.Context, key string, req PayLinkRequest) (_ Payment, err error) {
	ctx, op := s.env.Tel.Start(ctx, "PayLink")
	defer op.End(&err)
	if err := validatePayLink(req); err != nil {
		return Payment{}, err
	}
	var l storage.PaymentLink
	if err := s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		l, err = tx.PaymentLinks().GetForUpdate(ctx, req.Token)
		if err != nil {
			return core.MapNotFound(err, ErrPaymentLinkNotFound, "")
		}
		if err := core.PureLink(l).Check(s.env.Now()); err != nil {
			return err
		}
		// A link whose order or invoice was settled another way takes no
		// more money.
		ob, err := settle.LoadObligation(ctx, s.env, tx, Account{ID: l.AccountID}, payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef})
		if err != nil {
			return err
		}
		return ob.Payable(l.Amount)
	}); err != nil {
		return Payment{}, err
	}
	return pay.Pay(ctx, s.env, key, "payment_link.pay", PayRequest{
		AccountID: l.AccountID, Amount: l.Amount, Method: payment.MethodGateway, Gateway: req.Gateway,
		Purpose: payment.Purpose{Kind: payment.PurposePaymentLink, Ref: l.Token}, ReturnURL: req.ReturnURL, ClientIP: req.ClientIP,
		Description: core.OrDefault(l.Description, "payment on behalf"),
	})
}

// linkRequestField names the PaymentLinkRequest field a refusal of
// payment.NewPaymentLink is about: the amount, else the purpose.
func linkRequestField(err error) string {
	var ae *payment.ArgumentError
	if errors.As(err, &ae) && ae.Name == "amount" {
		return "Amount"
	}
	return "Purpose"
}
