package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// WalletState is a tenant's wallet as the ledger's cached balances show it.
type WalletState struct {
	Wallet payment.Wallet
	// Held is the credit set aside for Top up & Pay payments in progress.
	Held money.Amount
}

// LoadWallet reads the tenant's balances and builds the spendable wallet.
// Callers that will spend lock the account first (GetAccount forUpdate), so
// the balances cannot change under them.
func LoadWallet(ctx context.Context, tx storage.Tx, acct storage.Account) (WalletState, error) {
	bals, err := tx.Ledger().Balances(ctx, acct.ID)
	if err != nil {
		return WalletState{}, err
	}
	cash, err := money.Zero(acct.Currency)
	if err != nil {
		return WalletState{}, err
	}
	held := cash
	var promos []payment.PromoBalance
	for _, b := range bals {
		la, err := payment.ParseLedgerAccount(b.LedgerAccount)
		if err != nil {
			return WalletState{}, fmt.Errorf("billing: stored ledger account of %q: %w", acct.ID, err)
		}
		switch la.Kind {
		case payment.AccountCash:
			cash = b.Amount
		case payment.AccountPromo:
			promos = append(promos, payment.PromoBalance{GrantID: la.Key, Balance: b.Amount, ExpiresAt: b.ExpiresAt})
		case payment.AccountHeld:
			if held, err = held.Add(b.Amount); err != nil {
				return WalletState{}, err
			}
		}
	}
	w, err := payment.NewWallet(cash, promos...)
	if err != nil {
		return WalletState{}, fmt.Errorf("billing: wallet of %q: %w", acct.ID, err)
	}
	return WalletState{Wallet: w, Held: held}, nil
}

// AppendEntry stores a journal entry built by package payment. Every
// customer account is marked NonNegative, so the store refuses an entry
// that would overdraw the wallet even if a caller's check was wrong; a
// promotional grant's expiry travels with its first posting. The entry
// records the customer's spendable credit after it, for the history.
func AppendEntry(ctx context.Context, tx storage.Tx, acct storage.Account, e payment.Entry, expiresAt time.Time) (storage.LedgerEntry, error) {
	return AppendEntryAfter(ctx, tx, acct, e, expiresAt, nil)
}

// AppendEntryAfter is AppendEntry for a caller that has just read the
// wallet (under the account lock, so it is still current): the running
// balance starts from it instead of a second read.
func AppendEntryAfter(ctx context.Context, tx storage.Tx, acct storage.Account, e payment.Entry, expiresAt time.Time, before *WalletState) (storage.LedgerEntry, error) {
	rec := storage.LedgerEntry{
		ID: e.ID, AccountID: acct.ID, Kind: string(e.Kind),
		RefType: string(e.Reference.Type), RefID: e.Reference.ID, Memo: e.Memo, At: e.At,
	}
	for _, p := range e.Postings {
		sp := storage.LedgerPosting{LedgerAccount: p.Account.String(), Amount: p.Amount, NonNegative: p.Account.IsCustomer()}
		if p.Account.Kind == payment.AccountPromo {
			sp.ExpiresAt = expiresAt
		}
		rec.Postings = append(rec.Postings, sp)
	}
	// The running balance is what the wallet holds once the entry applies.
	if before == nil {
		ws, err := LoadWallet(ctx, tx, acct)
		if err != nil {
			return storage.LedgerEntry{}, err
		}
		before = &ws
	}
	after := before.Wallet.Balance()
	var err error
	for _, p := range e.Postings {
		if k := p.Account.Kind; k == payment.AccountCash || k == payment.AccountPromo {
			if after, err = after.Add(p.Amount); err != nil {
				return storage.LedgerEntry{}, err
			}
		}
	}
	rec.CreditAfter = after
	out, err := tx.Ledger().Append(ctx, rec)
	if errors.Is(err, storage.ErrNegativeBalance) {
		return storage.LedgerEntry{}, fmt.Errorf("%w: %w", payment.ErrInsufficientCredit, err)
	}
	return out, err
}

// FindEntry returns the tenant's entry id as a payment.Entry (for
// releasing or capturing a hold), or storage.ErrNotFound.
func FindEntry(ctx context.Context, tx storage.Tx, accountID, id string) (payment.Entry, error) {
	rec, err := tx.Ledger().Entry(ctx, accountID, id)
	if err != nil {
		return payment.Entry{}, err
	}
	e := payment.Entry{
		ID: rec.ID, Kind: payment.EntryKind(rec.Kind), Memo: rec.Memo, At: rec.At,
		Reference: payment.Reference{Type: payment.ReferenceType(rec.RefType), ID: rec.RefID},
	}
	for _, p := range rec.Postings {
		la, err := payment.ParseLedgerAccount(p.LedgerAccount)
		if err != nil {
			return payment.Entry{}, err
		}
		e.Postings = append(e.Postings, payment.Posting{Account: la, Amount: p.Amount})
	}
	return e, nil
}

// EntryID names the journal entry of one movement of one payment, so that
// applying the same movement twice collides on the ledger's unique id
// instead of moving money twice.
func EntryID(kind payment.EntryKind, ref string) string {
	return string(kind) + ":" + strings.TrimSpace(ref)
}

// HoldEntryID names the hold entry made by the computation at t: one hold
// is active at a time, and the job's Since says which.
func HoldEntryID(accountID string, t time.Time) string {
	return EntryID(payment.EntryHold, "usage:"+accountID+":"+t.UTC().Format("20060102T150405Z"))
}
