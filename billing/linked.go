package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// Linked account statuses as stored.
const (
	linkPending = "pending"
	linkActive  = "active"
	linkFailed  = "failed"
	linkRemoved = "removed"
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
func (s *System) StartLinking(ctx context.Context, key string, req LinkAccountRequest) (LinkStart, error) {
	if err := validateLinkAccount(req); err != nil {
		return LinkStart{}, err
	}
	gw, err := s.gateway(req.Gateway)
	if err != nil {
		return LinkStart{}, err
	}
	linkID, err := idempotent(ctx, s, req.AccountID, key, "linked_account.start", req, func(ctx context.Context, tx storage.Tx) (string, error) {
		if _, err := getAccount(ctx, tx, req.AccountID, true); err != nil {
			return "", err
		}
		id, err := s.newID("lnk")
		if err != nil {
			return "", err
		}
		now := s.now()
		return id, tx.LinkedAccounts().Create(ctx, storage.LinkedAccount{
			ID: id, AccountID: req.AccountID, Gateway: req.Gateway, Status: linkPending, CreatedAt: now, UpdatedAt: now,
		})
	})
	if err != nil {
		return LinkStart{}, err
	}
	redirect, err := gw.StartLink(ctx, gateway.LinkRequest{LinkID: linkID, AccountID: req.AccountID, ReturnURL: req.ReturnURL})
	if err != nil {
		return LinkStart{LinkID: linkID}, fmt.Errorf("%w: %s: %w", ErrGatewayUnavailable, gw.Name(), err)
	}
	return LinkStart{LinkID: linkID, RedirectURL: redirect.URL}, nil
}

// LinkedAccounts lists the account's active linked accounts, masked, in
// the order they were linked.
func (s *System) LinkedAccounts(ctx context.Context, accountID string) ([]LinkedAccount, error) {
	var out []LinkedAccount
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := getAccount(ctx, tx, accountID, false); err != nil {
			return err
		}
		list, err := activeLinked(ctx, tx, accountID)
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
func (s *System) SetDefaultLinkedAccount(ctx context.Context, key string, req LinkedAccountRequest) ([]LinkedAccount, error) {
	if err := validateLinkedAccountRef(req); err != nil {
		return nil, err
	}
	if _, err := idempotent(ctx, s, req.AccountID, key, "linked_account.set_default", req.hashed(), func(ctx context.Context, tx storage.Tx) (bool, error) {
		return true, s.rewriteLinked(ctx, tx, req.AccountID, func(list []payment.LinkedAccount) ([]payment.LinkedAccount, error) {
			return payment.SetDefault(list, req.LinkID)
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
func (s *System) Unlink(ctx context.Context, key string, req LinkedAccountRequest) ([]LinkedAccount, error) {
	if err := validateLinkedAccountRef(req); err != nil {
		return nil, err
	}
	if _, err := idempotent(ctx, s, req.AccountID, key, "linked_account.unlink", req.hashed(), func(ctx context.Context, tx storage.Tx) (bool, error) {
		return true, s.rewriteLinked(ctx, tx, req.AccountID, func(list []payment.LinkedAccount) ([]payment.LinkedAccount, error) {
			return payment.Unlink(list, req.LinkID)
		})
	}); err != nil {
		return nil, err
	}
	return s.LinkedAccounts(ctx, req.AccountID)
}

// rewriteLinked applies a pure change of package payment to the account's
// active linked accounts and stores the difference: accounts that left the
// list are removed (token wiped), default marks are updated.
func (s *System) rewriteLinked(ctx context.Context, tx storage.Tx, accountID string, change func([]payment.LinkedAccount) ([]payment.LinkedAccount, error)) error {
	if _, err := getAccount(ctx, tx, accountID, true); err != nil {
		return err
	}
	stored, err := activeLinked(ctx, tx, accountID)
	if err != nil {
		return err
	}
	list := make([]payment.LinkedAccount, len(stored))
	for i, l := range stored {
		list[i] = payment.LinkedAccount{ID: l.ID, Gateway: l.Gateway, Display: l.Display, IsDefault: l.IsDefault, CreatedAt: l.CreatedAt}
	}
	next, err := change(list)
	if errors.Is(err, payment.ErrLinkedAccountNotFound) {
		return fmt.Errorf("%w: %w", ErrLinkedAccountNotFound, err)
	}
	if err != nil {
		return err
	}
	kept := map[string]payment.LinkedAccount{}
	for _, l := range next {
		kept[l.ID] = l
	}
	now := s.now()
	for _, l := range stored {
		n, ok := kept[l.ID]
		switch {
		case !ok:
			l.Status, l.Token, l.IsDefault, l.UpdatedAt = linkRemoved, "", false, now
		case n.IsDefault != l.IsDefault:
			l.IsDefault, l.UpdatedAt = n.IsDefault, now
		default:
			continue
		}
		if err := tx.LinkedAccounts().Update(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// activeLinked returns the account's active linked accounts.
func activeLinked(ctx context.Context, tx storage.Tx, accountID string) ([]storage.LinkedAccount, error) {
	all, err := tx.LinkedAccounts().List(ctx, accountID)
	if err != nil {
		return nil, err
	}
	var out []storage.LinkedAccount
	for _, l := range all {
		if l.Status == linkActive {
			out = append(out, l)
		}
	}
	return out, nil
}

// chosenLinkedAccount returns the active linked account id of the account,
// or its default when id is "".
func (s *System) chosenLinkedAccount(ctx context.Context, tx storage.Tx, accountID, id string) (storage.LinkedAccount, error) {
	list, err := activeLinked(ctx, tx, accountID)
	if err != nil {
		return storage.LinkedAccount{}, err
	}
	for _, l := range list {
		if (id == "" && l.IsDefault) || (id != "" && l.ID == id) {
			if _, err := s.gateway(l.Gateway); err != nil {
				return storage.LinkedAccount{}, err
			}
			return l, nil
		}
	}
	if id == "" {
		return storage.LinkedAccount{}, fmt.Errorf("%w: account %q has no default linked account", ErrLinkedAccountNotFound, accountID)
	}
	return storage.LinkedAccount{}, fmt.Errorf("%w: %q", ErrLinkedAccountNotFound, id)
}

// activateLink applies a link.succeeded or link.failed callback.
func (s *System) activateLink(ctx context.Context, tx storage.Tx, owner string, ev gateway.Event) error {
	l, err := tx.LinkedAccounts().Get(ctx, owner, ev.LinkID)
	if err != nil {
		return mapNotFound(err, ErrCallbackRejected, ev.LinkID)
	}
	if l.Gateway != ev.Gateway {
		return fmt.Errorf("%w: link %q belongs to gateway %q, callback came from %q", ErrCallbackRejected, l.ID, l.Gateway, ev.Gateway)
	}
	if l.Status != linkPending {
		return nil // already settled; a late or repeated outcome changes nothing
	}
	now := s.now()
	l.UpdatedAt = now
	if ev.Type == gateway.EventLinkFailed {
		l.Status = linkFailed
		return tx.LinkedAccounts().Update(ctx, l)
	}
	if ev.Token.IsZero() {
		return fmt.Errorf("%w: link.succeeded without a token", ErrCallbackRejected)
	}
	active, err := activeLinked(ctx, tx, l.AccountID)
	if err != nil {
		return err
	}
	_, hasDefault := func() (storage.LinkedAccount, bool) {
		for _, a := range active {
			if a.IsDefault {
				return a, true
			}
		}
		return storage.LinkedAccount{}, false
	}()
	l.Status, l.Token, l.IsDefault = linkActive, ev.Token.Reveal(), !hasDefault
	// A gateway's display text is shown as given, made printable and cut
	// to what a linked account keeps.
	l.Display = strings.TrimSpace(clipText(gatewayText(ev.Display), payment.MaxDisplayLen))
	if l.Display == "" {
		l.Display = l.Gateway + " " + payment.MaskToken(ev.Token.Reveal())
	}
	return tx.LinkedAccounts().Update(ctx, l)
}
