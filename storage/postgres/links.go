package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// paymentLinks is the storage.PaymentLinks of one transaction. The token is
// the link's capability, so error messages never include it.
type paymentLinks struct{ t *tx }

// validLink checks the link's text and amount in Go and returns the
// currency column's value ("" for a link without an amount).
func validLink(l storage.PaymentLink) (string, error) {
	for _, s := range []string{l.Token, l.AccountID, l.Purpose, l.PurposeRef, l.Description, l.Status, l.PaymentID} {
		if !storable(s) {
			return "", fmt.Errorf("postgres: payment link: text must be UTF-8 without NUL bytes: %w", storage.ErrInvalidRecord)
		}
	}
	cur := l.Amount.Currency().Code()
	if cur != "" && !currencyCode(cur) {
		return "", fmt.Errorf("postgres: payment link: currency %q is not three upper-case letters: %w", cur, storage.ErrInvalidRecord)
	}
	return cur, nil
}

func (r paymentLinks) Create(ctx context.Context, l storage.PaymentLink) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if l.Token == "" || l.AccountID == "" || l.Status == "" {
		return fmt.Errorf("postgres: payment link: token, account and status are required: %w", storage.ErrInvalidRecord)
	}
	cur, err := validLink(l)
	if err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.payments.createLink,
		l.Token, l.AccountID, nullText(cur), amountArg(l.Amount), l.Purpose, l.PurposeRef, l.Description,
		l.Status, l.PaymentID, nullTime(l.ExpiresAt), l.CreatedAt, l.UpdatedAt)
	if err != nil {
		return r.t.fail("create payment link", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: create payment link: %w", storage.ErrDuplicate)
	}
	return nil
}

func (r paymentLinks) GetForUpdate(ctx context.Context, token string) (storage.PaymentLink, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.PaymentLink{}, err
	}
	if !possibleKey(token) {
		return storage.PaymentLink{}, fmt.Errorf("postgres: get payment link: %w", storage.ErrNotFound)
	}
	l, err := scanLink(r.t.pg.QueryRow(ctx, r.t.s.q.payments.getLinkForUpdate, token))
	if err != nil {
		return storage.PaymentLink{}, r.t.fail("get payment link", err)
	}
	return l, nil
}

// Update replaces everything but the token, the tenant and CreatedAt; a link
// is matched by token and tenant, so another tenant's link is "not found".
func (r paymentLinks) Update(ctx context.Context, l storage.PaymentLink) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if !possibleKey(l.Token) || !possibleKey(l.AccountID) {
		return fmt.Errorf("postgres: update payment link: %w", storage.ErrNotFound)
	}
	cur, err := validLink(l)
	if err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.payments.updateLink,
		l.Token, l.AccountID, nullText(cur), amountArg(l.Amount), l.Purpose, l.PurposeRef, l.Description,
		l.Status, l.PaymentID, nullTime(l.ExpiresAt), l.UpdatedAt)
	if err != nil {
		return r.t.fail("update payment link", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: update payment link: %w", storage.ErrNotFound)
	}
	return nil
}

// scanLink reads linkColumns.
func scanLink(row pgx.Row) (storage.PaymentLink, error) {
	var (
		l       storage.PaymentLink
		cur     pgtype.Text
		amount  pgtype.Numeric
		expires pgtype.Timestamptz
	)
	if err := row.Scan(&l.Token, &l.AccountID, &cur, &amount, &l.Purpose, &l.PurposeRef, &l.Description,
		&l.Status, &l.PaymentID, &expires, &l.CreatedAt, &l.UpdatedAt); err != nil {
		return storage.PaymentLink{}, err
	}
	var err error
	if l.Amount, err = readAmount(amount, cur.String); err != nil {
		return storage.PaymentLink{}, err
	}
	l.ExpiresAt = timeOf(expires)
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	return l, nil
}
