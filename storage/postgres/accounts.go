package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// accounts is the storage.Accounts of one transaction.
type accounts struct{ t *tx }

// validAccount checks in Go what the table's constraints also enforce, so
// that bad input returns ErrInvalidRecord and leaves the transaction usable.
func validAccount(a storage.Account) error {
	var reason string
	switch {
	case a.ID == "" || len(a.ID) > maxAccountIDLen:
		reason = fmt.Sprintf("id must be 1–%d bytes", maxAccountIDLen)
	case !storable(a.ID) || !storable(a.TimeZone):
		reason = "text must be UTF-8 without NUL bytes"
	case !a.Type.Valid():
		reason = fmt.Sprintf("unknown type %q", a.Type)
	case !currencyCode(a.Currency):
		reason = fmt.Sprintf("currency %q is not three upper-case letters", a.Currency)
	case !a.CreditLimit.Currency().IsZero() && (a.CreditLimit.Currency().Code() != a.Currency || a.CreditLimit.IsNegative()):
		reason = fmt.Sprintf("credit limit %s must be a non-negative amount in %s", a.CreditLimit, a.Currency)
	case storage.CheckDiscountRate(a.DiscountRate) != nil:
		reason = storage.CheckDiscountRate(a.DiscountRate).Error()
	case invoice.CheckParty("Legal", a.Legal) != nil:
		reason = invoice.CheckParty("Legal", a.Legal).Error()
	case !a.TaxTreatment.Valid():
		reason = fmt.Sprintf("unknown tax treatment %q", a.TaxTreatment)
	default:
		return nil
	}
	return fmt.Errorf("postgres: account %q: %s: %w", a.ID, reason, storage.ErrInvalidRecord)
}

// possibleID reports whether Create could ever have stored id; reads of any
// other id are "not found" without a query.
func possibleID(id string) bool {
	return id != "" && len(id) <= maxAccountIDLen && storable(id)
}

func (r accounts) Create(ctx context.Context, a storage.Account) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if err := validAccount(a); err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.createAccount, a.ID, string(a.Type), a.Currency, a.TimeZone, a.CreatedAt, a.UpdatedAt,
		amountArg(a.CreditLimit), rateArg(a.DiscountRate), legalArg(a.Legal), treatmentArg(a.TaxTreatment))
	if err != nil {
		return r.t.fail(fmt.Sprintf("create account %q", a.ID), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: create account %q: %w", a.ID, storage.ErrDuplicate)
	}
	return nil
}

func (r accounts) Get(ctx context.Context, id string) (storage.Account, error) {
	return r.get(ctx, id, r.t.s.q.getAccount)
}

// GetForUpdate takes the row lock with SELECT … FOR UPDATE: a concurrent
// GetForUpdate of the same account waits until this transaction ends and then
// reads the committed result, so read-modify-write cycles never interleave.
func (r accounts) GetForUpdate(ctx context.Context, id string) (storage.Account, error) {
	return r.get(ctx, id, r.t.s.q.getAccountForUpdate)
}

func (r accounts) get(ctx context.Context, id, query string) (storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Account{}, err
	}
	if !possibleID(id) {
		return storage.Account{}, fmt.Errorf("postgres: get account %q: %w", id, storage.ErrNotFound)
	}
	a, err := scanAccount(r.t.pg.QueryRow(ctx, query, id))
	if err != nil {
		return storage.Account{}, r.t.fail(fmt.Sprintf("get account %q", id), err)
	}
	return a, nil
}

func (r accounts) Update(ctx context.Context, a storage.Account) (storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Account{}, err
	}
	if !possibleID(a.ID) {
		return storage.Account{}, fmt.Errorf("postgres: update account %q: %w", a.ID, storage.ErrNotFound)
	}
	if err := validAccount(a); err != nil {
		return storage.Account{}, err
	}
	got, err := scanAccount(r.t.pg.QueryRow(ctx, r.t.s.q.updateAccount, a.ID, string(a.Type), a.Currency, a.TimeZone, a.UpdatedAt,
		amountArg(a.CreditLimit), rateArg(a.DiscountRate), legalArg(a.Legal), treatmentArg(a.TaxTreatment)))
	if err != nil {
		return storage.Account{}, r.t.fail(fmt.Sprintf("update account %q", a.ID), err)
	}
	return got, nil
}

// scanAccount reads the columns of accountColumns. Times come back in UTC,
// whatever the server's or the process's time zone.
func scanAccount(row pgx.Row) (storage.Account, error) {
	var a storage.Account
	var typ string
	var limit, rate pgtype.Numeric
	var legal []byte
	var treatment pgtype.Text
	if err := row.Scan(&a.ID, &typ, &a.Currency, &a.TimeZone, &a.CreatedAt, &a.UpdatedAt, &a.Version, &limit, &rate, &legal, &treatment); err != nil {
		return storage.Account{}, err
	}
	var err error
	if legal != nil {
		if err := json.Unmarshal(legal, &a.Legal); err != nil {
			return storage.Account{}, fmt.Errorf("account %q legal details: %w", a.ID, err)
		}
	}
	if rate.Valid {
		if a.DiscountRate, err = decimalOf(rate); err != nil {
			return storage.Account{}, err
		}
	}
	if a.CreditLimit, err = readAmount(limit, a.Currency); err != nil {
		return storage.Account{}, err
	}
	a.Type = storage.AccountType(typ)
	a.TaxTreatment = invoice.TaxTreatment(treatment.String) // NULL: none chosen
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// legalArg is an account's legal details as a JSONB argument: NULL for
// none. Marshalling a Party of strings cannot fail.
func legalArg(p invoice.Party) any {
	if p.IsZero() {
		return nil
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// treatmentArg is a tax treatment as a TEXT argument: NULL for none
// chosen, so rows written before the column read the same.
func treatmentArg(t invoice.TaxTreatment) pgtype.Text {
	return pgtype.Text{String: string(t), Valid: t != ""}
}

// rateArg is a discount rate as a NUMERIC argument: NULL for zero (no
// discount of the account's own), so rows written before the column read
// the same as rows without one.
func rateArg(r decimal.Decimal) pgtype.Numeric {
	if r.IsZero() {
		return pgtype.Numeric{}
	}
	return numeric(r)
}
