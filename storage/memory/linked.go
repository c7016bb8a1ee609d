package memory

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/storage"
)

type linkedAccounts struct{ t *tx }

func (r linkedAccounts) Create(ctx context.Context, l storage.LinkedAccount) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if l.ID == "" || l.AccountID == "" || l.Status == "" {
		return fmt.Errorf("memory: linked account without id, account or status: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.payments
	if _, ok := s.linked[l.ID]; ok {
		return fmt.Errorf("memory: linked account %q: %w", l.ID, storage.ErrDuplicate)
	}
	put(r.t, s.linked, l.ID, l)
	appendTo(r.t, s.linkedBy, l.AccountID, l.ID)
	return nil
}

func (r linkedAccounts) Get(ctx context.Context, accountID, id string) (storage.LinkedAccount, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LinkedAccount{}, err
	}
	l, ok := r.t.data.payments.linked[id]
	if !ok || l.AccountID != accountID {
		return storage.LinkedAccount{}, fmt.Errorf("memory: linked account %q: %w", id, storage.ErrNotFound)
	}
	return l, nil
}

func (r linkedAccounts) LookupForUpdate(ctx context.Context, id string) (storage.LinkedAccount, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LinkedAccount{}, err
	}
	l, ok := r.t.data.payments.linked[id]
	if !ok {
		return storage.LinkedAccount{}, fmt.Errorf("memory: linked account %q: %w", id, storage.ErrNotFound)
	}
	return l, nil
}

func (r linkedAccounts) Update(ctx context.Context, l storage.LinkedAccount) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	s := &r.t.data.payments
	old, ok := s.linked[l.ID]
	if !ok || old.AccountID != l.AccountID {
		return fmt.Errorf("memory: linked account %q: %w", l.ID, storage.ErrNotFound)
	}
	l.CreatedAt = old.CreatedAt
	put(r.t, s.linked, l.ID, l)
	return nil
}

func (r linkedAccounts) List(ctx context.Context, accountID string) ([]storage.LinkedAccount, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	s := &r.t.data.payments
	var out []storage.LinkedAccount
	for _, id := range s.linkedBy[accountID] {
		if l := s.linked[id]; l.Status != "removed" {
			out = append(out, l)
		}
	}
	return out, nil
}

type paymentLinks struct{ t *tx }

func (r paymentLinks) Create(ctx context.Context, l storage.PaymentLink) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if l.Token == "" || l.AccountID == "" || l.Status == "" {
		return fmt.Errorf("memory: payment link without token, account or status: %w", storage.ErrInvalidRecord)
	}
	m := r.t.data.payments.links
	if _, ok := m[l.Token]; ok {
		return fmt.Errorf("memory: payment link: %w", storage.ErrDuplicate)
	}
	put(r.t, m, l.Token, l)
	return nil
}

func (r paymentLinks) GetForUpdate(ctx context.Context, token string) (storage.PaymentLink, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.PaymentLink{}, err
	}
	l, ok := r.t.data.payments.links[token]
	if !ok {
		return storage.PaymentLink{}, fmt.Errorf("memory: payment link: %w", storage.ErrNotFound)
	}
	return l, nil
}

func (r paymentLinks) Update(ctx context.Context, l storage.PaymentLink) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	m := r.t.data.payments.links
	old, ok := m[l.Token]
	if !ok || old.AccountID != l.AccountID {
		return fmt.Errorf("memory: payment link: %w", storage.ErrNotFound)
	}
	l.CreatedAt = old.CreatedAt
	put(r.t, m, l.Token, l)
	return nil
}
