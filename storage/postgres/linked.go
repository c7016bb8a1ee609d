package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/cloudbill/cloudbill/storage"
)

// linkedAccounts is the storage.LinkedAccounts of one transaction. Error
// messages name the linked account's id, never its token.
type linkedAccounts struct{ t *tx }

// storableLinked reports whether every text field of l can be stored.
func storableLinked(l storage.LinkedAccount) bool {
	for _, s := range []string{l.ID, l.AccountID, l.Gateway, l.Status, l.Token, l.Display} {
		if !storable(s) {
			return false
		}
	}
	return true
}

func (r linkedAccounts) Create(ctx context.Context, l storage.LinkedAccount) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if l.ID == "" || l.AccountID == "" || l.Status == "" || !storableLinked(l) {
		return fmt.Errorf("postgres: linked account %q: id, account and status are required, as UTF-8 text without NUL bytes: %w",
			l.ID, storage.ErrInvalidRecord)
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.payments.createLinked,
		l.ID, l.AccountID, l.Gateway, l.Status, l.Token, l.Display, l.IsDefault, l.CreatedAt, l.UpdatedAt)
	if err != nil {
		return r.t.fail(fmt.Sprintf("create linked account %q", l.ID), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: create linked account %q: %w", l.ID, storage.ErrDuplicate)
	}
	return nil
}

func (r linkedAccounts) Get(ctx context.Context, accountID, id string) (storage.LinkedAccount, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LinkedAccount{}, err
	}
	op := fmt.Sprintf("get linked account %q", id)
	if !possibleKey(accountID) || !possibleKey(id) {
		return storage.LinkedAccount{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	l, err := scanLinked(r.t.pg.QueryRow(ctx, r.t.s.q.payments.getLinked, id, accountID))
	if err != nil {
		return storage.LinkedAccount{}, r.t.fail(op, err)
	}
	return l, nil
}

func (r linkedAccounts) LookupForUpdate(ctx context.Context, id string) (storage.LinkedAccount, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LinkedAccount{}, err
	}
	op := fmt.Sprintf("look up linked account %q for update", id)
	if !possibleKey(id) {
		return storage.LinkedAccount{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	l, err := scanLinked(r.t.pg.QueryRow(ctx, r.t.s.q.payments.lookupLinkedForUpdate, id))
	if err != nil {
		return storage.LinkedAccount{}, r.t.fail(op, err)
	}
	return l, nil
}

// Update replaces everything but the id, the tenant and CreatedAt.
func (r linkedAccounts) Update(ctx context.Context, l storage.LinkedAccount) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update linked account %q", l.ID)
	if !possibleKey(l.ID) || !possibleKey(l.AccountID) {
		return fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	if !storableLinked(l) {
		return fmt.Errorf("postgres: %s: text must be UTF-8 without NUL bytes: %w", op, storage.ErrInvalidRecord)
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.payments.updateLinked,
		l.ID, l.AccountID, l.Gateway, l.Status, l.Token, l.Display, l.IsDefault, l.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	return nil
}

// List returns the accounts in creation order: by CreatedAt, and by order
// of Create among accounts created at the same instant.
func (r linkedAccounts) List(ctx context.Context, accountID string) ([]storage.LinkedAccount, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) {
		return nil, nil
	}
	const op = "list linked accounts"
	rows, err := r.t.pg.Query(ctx, r.t.s.q.payments.listLinked, accountID)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	defer rows.Close()
	var out []storage.LinkedAccount
	for rows.Next() {
		l, err := scanLinked(rows)
		if err != nil {
			return nil, r.t.fail(op, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail(op, err)
	}
	return out, nil
}

// scanLinked reads linkedColumns.
func scanLinked(row pgx.Row) (storage.LinkedAccount, error) {
	var l storage.LinkedAccount
	if err := row.Scan(&l.ID, &l.AccountID, &l.Gateway, &l.Status, &l.Token, &l.Display, &l.IsDefault, &l.CreatedAt, &l.UpdatedAt); err != nil {
		return storage.LinkedAccount{}, err
	}
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	return l, nil
}
