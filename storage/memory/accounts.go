package memory

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

type accounts struct{ t *tx }

func (r accounts) Create(ctx context.Context, a storage.Account) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if a.ID == "" || !a.Type.Valid() {
		return fmt.Errorf("memory: account %q type %q: %w", a.ID, a.Type, storage.ErrInvalidRecord)
	}
	if err := checkCreditLimit(a); err != nil {
		return err
	}
	m := r.t.data.accounts.m
	if _, ok := m[a.ID]; ok {
		return fmt.Errorf("memory: account %q: %w", a.ID, storage.ErrDuplicate)
	}
	a.Version = 1
	set(r.t, r.t.data.accounts, a.ID, a)
	return nil
}

func (r accounts) Get(ctx context.Context, id string) (storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Account{}, err
	}
	a, ok := r.t.data.accounts.m[id]
	if !ok {
		return storage.Account{}, fmt.Errorf("memory: account %q: %w", id, storage.ErrNotFound)
	}
	return a, nil
}

// GetForUpdate needs no lock of its own: the whole transaction holds the
// store's lock.
func (r accounts) GetForUpdate(ctx context.Context, id string) (storage.Account, error) {
	return r.Get(ctx, id)
}

func (r accounts) Update(ctx context.Context, a storage.Account) (storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Account{}, err
	}
	m := r.t.data.accounts.m
	old, ok := m[a.ID]
	if !ok {
		return storage.Account{}, fmt.Errorf("memory: account %q: %w", a.ID, storage.ErrNotFound)
	}
	if !a.Type.Valid() {
		return storage.Account{}, fmt.Errorf("memory: account %q type %q: %w", a.ID, a.Type, storage.ErrInvalidRecord)
	}
	if err := checkCreditLimit(a); err != nil {
		return storage.Account{}, err
	}
	a.CreatedAt = old.CreatedAt
	a.Version = old.Version + 1
	set(r.t, r.t.data.accounts, a.ID, a)
	return a, nil
}

// checkCreditLimit refuses what the PostgreSQL store refuses: a credit
// limit that is negative or not in the account's currency, and a discount
// rate storage.CheckDiscountRate refuses, legal details
// invoice.CheckParty refuses, and an undeclared tax treatment.
func checkCreditLimit(a storage.Account) error {
	if err := storage.CheckDiscountRate(a.DiscountRate); err != nil {
		return fmt.Errorf("memory: account %q: %w: %w", a.ID, err, storage.ErrInvalidRecord)
	}
	if err := invoice.CheckParty("Legal", a.Legal); err != nil {
		return fmt.Errorf("memory: account %q: %w: %w", a.ID, err, storage.ErrInvalidRecord)
	}
	if !a.TaxTreatment.Valid() {
		return fmt.Errorf("memory: account %q: unknown tax treatment %q: %w", a.ID, a.TaxTreatment, storage.ErrInvalidRecord)
	}
	l := a.CreditLimit
	if l.Currency().IsZero() || (l.Currency().Code() == a.Currency && !l.IsNegative()) {
		return nil
	}
	return fmt.Errorf("memory: account %q: credit limit %s must be a non-negative amount in %s: %w", a.ID, l, a.Currency, storage.ErrInvalidRecord)
}
