package pay

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// RewriteLinked applies a pure change of package payment to the account's
// active linked accounts and stores the difference: accounts that left the
// list are removed (token wiped), default marks are updated.
func RewriteLinked(ctx context.Context, s *core.Env, tx storage.Tx, accountID string, change func([]payment.LinkedAccount) ([]payment.LinkedAccount, error)) error {
	if _, err := core.GetAccount(ctx, tx, accountID, true); err != nil {
		return err
	}
	stored, err := ActiveLinked(ctx, tx, accountID)
	if err != nil {
		return err
	}
	list := make([]payment.LinkedAccount, len(stored))
	for i, l := range stored {
		list[i] = payment.LinkedAccount{ID: l.ID, Gateway: l.Gateway, Display: l.Display, IsDefault: l.IsDefault, CreatedAt: l.CreatedAt}
	}
	next, err := change(list)
	if errors.Is(err, payment.ErrLinkedAccountNotFound) {
		return fmt.Errorf("%w: %w", billingtype.ErrLinkedAccountNotFound, err)
	}
	if err != nil {
		return err
	}
	kept := map[string]payment.LinkedAccount{}
	for _, l := range next {
		kept[l.ID] = l
	}
	now := s.Now()
	for _, l := range stored {
		n, ok := kept[l.ID]
		switch {
		case !ok:
			l.Status, l.Token, l.IsDefault, l.UpdatedAt = core.LinkRemoved, "", false, now
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

// ActiveLinked returns the account's active linked accounts.
func ActiveLinked(ctx context.Context, tx storage.Tx, accountID string) ([]storage.LinkedAccount, error) {
	all, err := tx.LinkedAccounts().List(ctx, accountID)
	if err != nil {
		return nil, err
	}
	var out []storage.LinkedAccount
	for _, l := range all {
		if l.Status == core.LinkActive {
			out = append(out, l)
		}
	}
	return out, nil
}

// chosenLinkedAccount returns the active linked account id of the account,
// or its default when id is "".
func chosenLinkedAccount(ctx context.Context, s *core.Env, tx storage.Tx, accountID, id string) (storage.LinkedAccount, error) {
	list, err := ActiveLinked(ctx, tx, accountID)
	if err != nil {
		return storage.LinkedAccount{}, err
	}
	for _, l := range list {
		if (id == "" && l.IsDefault) || (id != "" && l.ID == id) {
			if _, err := s.Gateway(l.Gateway); err != nil {
				return storage.LinkedAccount{}, err
			}
			return l, nil
		}
	}
	if id == "" {
		return storage.LinkedAccount{}, fmt.Errorf("%w: account %q has no default linked account", billingtype.ErrLinkedAccountNotFound, accountID)
	}
	return storage.LinkedAccount{}, fmt.Errorf("%w: %q", billingtype.ErrLinkedAccountNotFound, id)
}

// activateLink applies a link.succeeded or link.failed callback.
func activateLink(ctx context.Context, s *core.Env, tx storage.Tx, owner string, ev gateway.Event) (bool, error) {
	l, err := tx.LinkedAccounts().Get(ctx, owner, ev.LinkID)
	if err != nil {
		return false, unknown(err, "link", ev.LinkID)
	}
	if l.Gateway != ev.Gateway {
		return false, fmt.Errorf("%w: link %q belongs to gateway %q, callback came from %q", billingtype.ErrCallbackRejected, l.ID, l.Gateway, ev.Gateway)
	}
	if l.Status != core.LinkPending {
		return false, nil // already settled; a late or repeated outcome changes nothing
	}
	now := s.Now()
	l.UpdatedAt = now
	if ev.Type == gateway.EventLinkFailed {
		l.Status = core.LinkFailed
		return true, tx.LinkedAccounts().Update(ctx, l)
	}
	if ev.Token.IsZero() {
		return false, fmt.Errorf("%w: link.succeeded without a token", billingtype.ErrCallbackRejected)
	}
	active, err := ActiveLinked(ctx, tx, l.AccountID)
	if err != nil {
		return false, err
	}
	_, hasDefault := func() (storage.LinkedAccount, bool) {
		for _, a := range active {
			if a.IsDefault {
				return a, true
			}
		}
		return storage.LinkedAccount{}, false
	}()
	l.Status, l.Token, l.IsDefault = core.LinkActive, ev.Token.Reveal(), !hasDefault
	// A gateway's display text is shown as given, made printable and cut
	// to what a linked account keeps.
	l.Display = strings.TrimSpace(core.ClipText(core.GatewayText(ev.Display), payment.MaxDisplayLen))
	if l.Display == "" {
		l.Display = l.Gateway + " " + payment.MaskToken(ev.Token.Reveal())
	}
	return true, tx.LinkedAccounts().Update(ctx, l)
}

// HasDefaultLinked reports whether the account has a default linked
// account; a storage failure is an error, not a "no".
func HasDefaultLinked(ctx context.Context, s *core.Env, tx storage.Tx, accountID string) (bool, error) {
	_, err := chosenLinkedAccount(ctx, s, tx, accountID, "")
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, billingtype.ErrLinkedAccountNotFound) || errors.Is(err, billingtype.ErrUnknownGateway):
		return false, nil
	}
	return false, err
}
