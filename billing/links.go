package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// PaymentLinkStatus is a payment link's status. The values are stored and
// never change.
type PaymentLinkStatus string

// The statuses of a payment link.
const (
	// PaymentLinkOpen: the link can be paid until its ExpiresAt.
	PaymentLinkOpen PaymentLinkStatus = "open"
	// PaymentLinkPaid: a payment through the link succeeded; it cannot be
	// paid again.
	PaymentLinkPaid PaymentLinkStatus = "paid"
)

// Payment link statuses as stored.
const (
	linkOpen = string(PaymentLinkOpen)
	linkPaid = string(PaymentLinkPaid)
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
func (s *System) CreatePaymentLink(ctx context.Context, key string, req PaymentLinkRequest) (PaymentLink, error) {
	if err := validatePaymentLink(req); err != nil {
		return PaymentLink{}, err
	}
	return idempotent(ctx, s, req.AccountID, key, "payment_link.create", req, func(ctx context.Context, tx storage.Tx) (PaymentLink, error) {
		acct, err := getAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return PaymentLink{}, err
		}
		ob, err := s.loadObligation(ctx, tx, acct, req.Purpose)
		if err != nil {
			return PaymentLink{}, err
		}
		if req.Amount.IsZero() && req.Amount.Currency().IsZero() {
			req.Amount = ob.outstanding
		}
		if err := sameCurrency(acct, req.Amount); err != nil {
			return PaymentLink{}, err
		}
		if err := ob.payable(req.Amount); err != nil {
			return PaymentLink{}, err
		}
		if c, _ := req.Amount.Cmp(ob.outstanding); c != 0 {
			return PaymentLink{}, &AmountDueError{Kind: ob.kind, ID: ob.id, Due: ob.outstanding, Got: req.Amount}
		}
		token, err := payment.ReadLinkToken(s.cfg.Random)
		if err != nil {
			return PaymentLink{}, err
		}
		now := s.now()
		l, err := payment.NewPaymentLink(s.cfg.PaymentLinks, token.String(), token, req.Purpose, req.Amount, now)
		if err != nil {
			return PaymentLink{}, &RequestError{Field: linkRequestField(err), Reason: err.Error(), Err: err}
		}
		rec := storage.PaymentLink{Token: token.String(), AccountID: acct.ID, Amount: req.Amount,
			Purpose: string(req.Purpose.Kind), PurposeRef: req.Purpose.Ref, Description: req.Description,
			Status: linkOpen, ExpiresAt: l.ExpiresAt, CreatedAt: now, UpdatedAt: now}
		if err := tx.PaymentLinks().Create(ctx, rec); err != nil {
			return PaymentLink{}, err
		}
		return linkView(rec), nil
	})
}

// PaymentLinkByToken returns the link a payer opened, or
// ErrPaymentLinkNotFound.
func (s *System) PaymentLinkByToken(ctx context.Context, token string) (PaymentLink, error) {
	var out PaymentLink
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		l, err := tx.PaymentLinks().GetForUpdate(ctx, token)
		if err != nil {
			return mapNotFound(err, ErrPaymentLinkNotFound, "")
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
}

// PayLink starts the gateway payment of a payment link on behalf of its
// account. A paid link (payment.ErrLinkPaid), one past its expiry
// (payment.ErrLinkExpired), or one whose order or invoice has meanwhile
// been settled another way (ErrNotPayable) is refused. Money that still
// arrives for a settled obligation goes to the account's cash credit. The link becomes paid when the
// gateway confirms. The idempotency key is scoped to the link's account.
func (s *System) PayLink(ctx context.Context, key string, req PayLinkRequest) (Payment, error) {
	if err := validatePayLink(req); err != nil {
		return Payment{}, err
	}
	var l storage.PaymentLink
	if err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		l, err = tx.PaymentLinks().GetForUpdate(ctx, req.Token)
		if err != nil {
			return mapNotFound(err, ErrPaymentLinkNotFound, "")
		}
		if err := pureLink(l).Check(s.now()); err != nil {
			return err
		}
		// A link whose order or invoice was settled another way takes no
		// more money.
		ob, err := s.loadObligation(ctx, tx, Account{ID: l.AccountID}, payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef})
		if err != nil {
			return err
		}
		return ob.payable(l.Amount)
	}); err != nil {
		return Payment{}, err
	}
	return s.pay(ctx, key, "payment_link.pay", PayRequest{
		AccountID: l.AccountID, Amount: l.Amount, Method: payment.MethodGateway, Gateway: req.Gateway,
		Purpose: payment.Purpose{Kind: payment.PurposePaymentLink, Ref: l.Token}, ReturnURL: req.ReturnURL,
		Description: orDefault(l.Description, "payment on behalf"),
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

// linkPaid marks the link a succeeded payment paid, in the payment's
// transaction. A link paid meanwhile by another payment, or expired before
// this payer started paying, is not paid twice: the money is refunded to
// the account's cash credit instead, so nobody's money is lost.
func (s *System) linkPaid(ctx context.Context, tx storage.Tx, acct Account, p *storage.Payment) error {
	l, err := tx.PaymentLinks().GetForUpdate(ctx, p.PurposeRef)
	if err != nil {
		return err
	}
	pl, err := pureLink(l).MarkPaid(p.ID, p.CreatedAt)
	if errors.Is(err, payment.ErrLinkPaid) || errors.Is(err, payment.ErrLinkExpired) {
		return s.creditPayment(ctx, tx, acct, p, "the payment link was already paid or had expired")
	}
	if err != nil {
		return fmt.Errorf("billing: payment link of %q: %w", p.ID, err)
	}
	l.Status, l.PaymentID, l.UpdatedAt = linkPaid, pl.PaymentID, s.now()
	if err := tx.PaymentLinks().Update(ctx, l); err != nil {
		return err
	}
	return s.settleObligation(ctx, tx, acct, p, payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef})
}

// pureLink converts a stored link into package payment's rules.
func pureLink(l storage.PaymentLink) payment.PaymentLink {
	pl := payment.PaymentLink{ID: l.Token, Token: payment.LinkToken(l.Token), Amount: l.Amount,
		Purpose:   payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef},
		CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, PaymentID: l.PaymentID}
	if l.Status == linkPaid {
		pl.PaidAt = l.UpdatedAt
	}
	return pl
}
