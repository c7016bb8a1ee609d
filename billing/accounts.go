package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// Account is a billing account: the tenant every other record belongs to.
type Account = storage.Account

// AccountType is Prepaid or Postpaid.
type AccountType = storage.AccountType

// The account types.
const (
	Prepaid  = storage.Prepaid
	Postpaid = storage.Postpaid
)

// maxAccountIDLen bounds host-chosen account ids.
const maxAccountIDLen = 128

// CreateAccountRequest opens a billing account for one of the host's
// customers. New accounts are always prepaid; SetAccountType switches them.
type CreateAccountRequest struct {
	// ID is the host's id for the customer, 1–128 printable bytes.
	ID string `json:"id"`
	// Currency is an ISO 4217 code; "" means Config.DefaultCurrency. It must
	// be a currency the System serves (Config.Catalog's or a
	// Config.Currencies entry's; otherwise a *RequestError on Currency
	// matching ErrCurrencyMismatch) and never changes afterwards.
	Currency string `json:"currency,omitempty"`
	// TimeZone is an IANA zone for the account's billing calendar; ""
	// means Config.DefaultTimeZone.
	TimeZone string `json:"time_zone,omitempty"`
}

// CreateAccount opens a prepaid account. It is idempotent per (ID, key). An
// existing ID returns ErrAccountExists; a bad field a *RequestError (a
// currency the System does not serve also matches ErrCurrencyMismatch);
// neither changes anything.
func (s *System) CreateAccount(ctx context.Context, key string, req CreateAccountRequest) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "CreateAccount")
	defer op.End(&err)
	if err := validateCreateAccount(req); err != nil {
		return Account{}, err
	}
	if err := validateAccountID(req.ID); err != nil {
		return Account{}, err
	}
	if req.Currency == "" {
		req.Currency = s.cfg.DefaultCurrency
	}
	if req.TimeZone == "" {
		req.TimeZone = s.cfg.DefaultTimeZone
	}
	if _, err := money.LookupCurrency(req.Currency); err != nil {
		return Account{}, &RequestError{Field: "Currency", Reason: err.Error(), Err: err}
	}
	if err := s.env.CheckServed("Currency", req.Currency); err != nil {
		return Account{}, err
	}
	if _, err := period.NewCalendar(req.TimeZone, s.cfg.Basis); err != nil {
		return Account{}, &RequestError{Field: "TimeZone", Reason: err.Error(), Err: err}
	}
	return txn.Idempotent(ctx, s.env, req.ID, key, "account.create", req, func(ctx context.Context, tx storage.Tx) (Account, error) {
		now := s.env.Now()
		a := Account{ID: req.ID, Type: Prepaid, Currency: req.Currency, TimeZone: req.TimeZone, CreatedAt: now, UpdatedAt: now}
		if err := tx.Accounts().Create(ctx, a); err != nil {
			if errors.Is(err, storage.ErrDuplicate) {
				return Account{}, fmt.Errorf("%w: %q", ErrAccountExists, req.ID)
			}
			return Account{}, err
		}
		return tx.Accounts().Get(ctx, req.ID)
	})
}

// Account returns the account with id, or ErrAccountNotFound.
func (s *System) Account(ctx context.Context, id string) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Account")
	defer op.End(&err)
	var a Account
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		a, err = core.GetAccount(ctx, tx, id, false)
		return err
	})
	return a, err
}

// SetAccountTypeRequest is an operator's switch of an account between
// prepaid and postpaid.
type SetAccountTypeRequest struct {
	AccountID string      `json:"account_id"`
	Type      AccountType `json:"type"`
	// Actor identifies the operator; required, it goes to the audit trail.
	Actor string `json:"actor"`
	// Reason is free text kept in the audit trail.
	Reason string `json:"reason,omitempty"`
}

// accountTypeChange is the audit detail of a type switch.
type accountTypeChange struct {
	From   AccountType `json:"from"`
	To     AccountType `json:"to"`
	Reason string      `json:"reason,omitempty"`
}

// SetAccountType switches an account's type and appends an
// "account.type_changed" audit record in the same transaction. Setting the
// type it already has is a no-op that writes no audit record.
//
// The type decides how the account's new purchases are paid: a prepaid
// account pays a term in advance; a postpaid one buys without paying,
// subject to the overdue block and the credit limit, and is billed in
// arrears at month close. A switch changes nothing already running or
// already billed: each resource keeps the mode it was bought in (a
// prepaid resource runs to the end of its paid term and renews as
// before; a postpaid one is still closed every month until it stops),
// and open invoices stay open, collected daily and, for postpaid bills,
// on their overdue schedule.
func (s *System) SetAccountType(ctx context.Context, key string, req SetAccountTypeRequest) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetAccountType")
	defer op.End(&err)
	if err := validateSetAccountType(req); err != nil {
		return Account{}, err
	}
	if !req.Type.Valid() {
		return Account{}, &RequestError{Field: "Type", Reason: fmt.Sprintf("%q is not prepaid or postpaid", req.Type)}
	}
	if req.Actor == "" {
		return Account{}, &RequestError{Field: "Actor", Reason: "is required for the audit trail"}
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "account.set_type", req, func(ctx context.Context, tx storage.Tx) (Account, error) {
		a, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return Account{}, err
		}
		if a.Type == req.Type {
			return a, nil
		}
		detail, err := json.Marshal(accountTypeChange{From: a.Type, To: req.Type, Reason: req.Reason})
		if err != nil {
			return Account{}, err
		}
		now := s.env.Now()
		a.Type, a.UpdatedAt = req.Type, now
		if a, err = tx.Accounts().Update(ctx, a); err != nil {
			return Account{}, err
		}
		_, err = tx.Audit().Append(ctx, storage.AuditRecord{
			AccountID: a.ID, Actor: req.Actor, Action: "account.type_changed", Detail: detail, At: now,
		})
		return a, err
	})
}

// AuditTrail returns a page of the account's audit records, oldest first
// (see ListRequest for paging).
func (s *System) AuditTrail(ctx context.Context, req ListRequest) (_ Page[storage.AuditRecord], err error) {
	ctx, op := s.env.Tel.Start(ctx, "AuditTrail")
	defer op.End(&err)
	if err := req.check(false); err != nil {
		return Page[storage.AuditRecord]{}, err
	}
	after, err := seqCursor(req.After)
	if err != nil {
		return Page[storage.AuditRecord]{}, err
	}
	var out []storage.AuditRecord
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := core.GetAccount(ctx, tx, req.AccountID, false); err != nil {
			return err
		}
		var err error
		out, err = tx.Audit().List(ctx, req.AccountID, after, req.Limit)
		return err
	})
	if err != nil {
		return Page[storage.AuditRecord]{}, err
	}
	return pageOf(out, req.Limit, func(r storage.AuditRecord) string { return seqNext(r.Seq) }), nil
}

// validateAccountID rejects ids a host could not have meant.
func validateAccountID(id string) error {
	if id == "" || len(id) > maxAccountIDLen {
		return &RequestError{Field: "ID", Reason: fmt.Sprintf("must be 1–%d bytes, got %d", maxAccountIDLen, len(id))}
	}
	if err := txn.ValidateKey(id); err != nil {
		return &RequestError{Field: "ID", Reason: "must be printable"}
	}
	return nil
}
