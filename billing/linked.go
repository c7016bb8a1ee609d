package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// LinkedAccount is a linked payment method as the customer sees it: masked,
// never with its token.
type LinkedAccount struct {
	ID        string    `json:"id"`
	Gateway   string    `json:"gateway"`
	Display   string    `json:"display"`
	IsDefault bool      `json:"is_default"`
	CreatedAt time.Time `json:"created_at"`
}

// LinkAccountRequest starts linking a gateway account.
type LinkAccountRequest struct {
	AccountID string `json:"account_id"`
	Gateway   string `json:"gateway"`
	ReturnURL string `json:"return_url,omitempty"`
}

// LinkStart is where to send the customer to authorise the link.
type LinkStart struct {
	LinkID      string `json:"link_id"`
	RedirectURL string `json:"redirect_url"`
}

// StartLinking records a pending linked account and asks the gateway for
// the page where the customer authorises it; the gateway's link.succeeded
// callback delivers the token and activates it (the first active linked
// account becomes the default). Idempotent per (AccountID, key); a retry
// asks the gateway again with the same link id.
func (s *System) StartLinking(ctx context.Context, key string, req LinkAccountRequest) (_ LinkStart, err error) {
	ctx, op := s.env.Tel.Start(ctx, "StartLinking")
	defer op.End(&err)
	if err := validateLinkAccount(req); err != nil {
		return LinkStart{}, err
	}
	gw, err := s.env.Gateway(req.Gateway)
	if err != nil {
		return LinkStart{}, err
	}
	linkID, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "linked_account.start", req, func(ctx context.Context, tx storage.Tx) (string, error) {
		if _, err := core.GetAccount(ctx, tx, req.AccountID, true); err != nil {
			return "", err
		}
		id, err := s.env.NewID("lnk")
		if err != nil {
			return "", err
		}
		now := s.env.Now()
		return id, tx.LinkedAccounts().Create(ctx, storage.LinkedAccount{
			ID: id, AccountID: req.AccountID, Gateway: req.Gateway, Status: core.LinkPending, CreatedAt: now, UpdatedAt: now,
		})
	})
	if err != nil {
		return LinkStart{}, err
	}
	gctx, call := s.env.Tel.StartGateway(ctx, gw.Name(), "StartLink")
	redirect, err := gw.StartLink(gctx, gateway.LinkRequest{LinkID: linkID, AccountID: req.AccountID, ReturnURL: req.ReturnURL})
	call.End(err)
	if err != nil {
		return LinkStart{LinkID: linkID}, fmt.Errorf("%w: %s: %w", ErrGatewayUnavailable, gw.Name(), err)
	}
	return LinkStart{LinkID: linkID, RedirectURL: redirect.URL}, nil
}

// LinkedAccounts lists the account's active linked accounts, masked, in
// the order they were linked.
func (s *System) LinkedAccounts(ctx context.Context, accountID string) (_ []LinkedAccount, err error) {
	ctx, op := s.env.Tel.Start(ctx, "LinkedAccounts")
	defer op.End(&err)
	var out []LinkedAccount
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := core.GetAccount(ctx, tx, accountID, false); err != nil {
			return err
		}
		list, err := pay.ActiveLinked(ctx, tx, accountID)
		if err != nil {
			return err
		}
		for _, l := range list {
			out = append(out, LinkedAccount{ID: l.ID, Gateway: l.Gateway, Display: l.Display, IsDefault: l.IsDefault, CreatedAt: l.CreatedAt})
		}
		return nil
	})
	return out, err
}

// LinkedAccountRequest names one of an account's linked accounts, for
// SetDefaultLinkedAccount and Unlink.
type LinkedAccountRequest struct {
	AccountID string `json:"account_id"`
	// LinkID is the linked account's id (LinkedAccount.ID).
	LinkID string `json:"link_id"`
}

// hashed is what the idempotency record of SetDefaultLinkedAccount
// and Unlink hashes: the request's fields under the keys they have always
// been hashed with, so a retry across versions still matches.
func (r LinkedAccountRequest) hashed() any {
	return struct{ AccountID, LinkID string }{r.AccountID, r.LinkID}
}

// SetDefaultLinkedAccount makes one active linked account the default: the
// one charged when a payment names none (automatic renewal, invoices). It
// returns the account's linked accounts afterwards.
func (s *System) SetDefaultLinkedAccount(ctx context.Context, key string, req LinkedAccountRequest) (_ []LinkedAccount, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetDefaultLinkedAccount")
	defer op.End(&err)
	if err := validateLinkedAccountRef(req); err != nil {
		return nil, err
	}
	if _, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "linked_account.set_default", req.hashed(), func(ctx context.Context, tx storage.Tx) (bool, error) {
		return true, pay.RewriteLinked(ctx, s.env, tx, req.AccountID, func(list []payment.LinkedAccount) ([]payment.LinkedAccount, error) {
			return payment.SetDefault(list, req.LinkID)
		})
	}); err != nil {
		return nil, err
	}
	return s.LinkedAccounts(ctx, req.AccountID)
}

// ClearDefaultLinkedAccount stops charging one linked account by default
// without unlinking it: afterwards no account is the default, so automatic
// renewal and invoice collection charge no linked account until the
// customer picks one (SetDefaultLinkedAccount). Clearing one that is not
// the default changes nothing. It returns the account's linked accounts
// afterwards; an unknown link (or another account's) is
// payment.ErrLinkedAccountNotFound.
func (s *System) ClearDefaultLinkedAccount(ctx context.Context, key string, req LinkedAccountRequest) (_ []LinkedAccount, err error) {
	ctx, op := s.env.Tel.Start(ctx, "ClearDefaultLinkedAccount")
	defer op.End(&err)
	if err := validateLinkedAccountRef(req); err != nil {
		return nil, err
	}
	if _, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "linked_account.clear_default", req.hashed(), func(ctx context.Context, tx storage.Tx) (bool, error) {
		return true, pay.RewriteLinked(ctx, s.env, tx, req.AccountID, func(list []payment.LinkedAccount) ([]payment.LinkedAccount, error) {
			return payment.ClearDefault(list, req.LinkID)
		})
	}); err != nil {
		return nil, err
	}
	return s.LinkedAccounts(ctx, req.AccountID)
}

// Unlink removes a linked account and forgets its token. If it was the
// default, no account is the default afterwards: which account is charged
// automatically is the customer's choice, never guessed. It returns the
// account's linked accounts afterwards.
func (s *System) Unlink(ctx context.Context, key string, req LinkedAccountRequest) (_ []LinkedAccount, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Unlink")
	defer op.End(&err)
	if err := validateLinkedAccountRef(req); err != nil {
		return nil, err
	}
	if _, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "linked_account.unlink", req.hashed(), func(ctx context.Context, tx storage.Tx) (bool, error) {
		return true, pay.RewriteLinked(ctx, s.env, tx, req.AccountID, func(list []payment.LinkedAccount) ([]payment.LinkedAccount, error) {
			return payment.Unlink(list, req.LinkID)
		})
	}); err != nil {
		return nil, err
	}
	return s.LinkedAccounts(ctx, req.AccountID)
}
