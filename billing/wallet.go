package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Wallet is an account's credit as the portal shows it.
type Wallet struct {
	AccountID string `json:"account_id"`
	// Cash is credit from top-ups and refunds; it never expires.
	Cash money.Amount `json:"cash"`
	// Promotional lists each promotional grant that still holds credit,
	// soonest expiry first (expired grants awaiting the expiry sweep are
	// listed but not Available).
	Promotional []PromotionalCredit `json:"promotional,omitempty"`
	// Held is credit set aside for Top up & Pay payments in progress: not
	// spendable, returned if the gateway part fails or expires.
	Held money.Amount `json:"held"`
	// Available is what can be spent now: cash plus unexpired promotional
	// credit.
	Available money.Amount `json:"available"`
}

// PromotionalCredit is what is left of one promotional grant.
type PromotionalCredit struct {
	GrantID   string       `json:"grant_id"`
	Amount    money.Amount `json:"amount"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// Wallet returns the account's credit at the clock's current time.
func (s *System) Wallet(ctx context.Context, accountID string) (_ Wallet, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Wallet")
	defer op.End(&err)
	var out Wallet
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// The account and its balances, the transaction's only
		// statements: one round trip, BEGIN to its end.
		storage.ReadAhead(storage.LastReads(ctx), tx, storage.ReadAccount(accountID, false), storage.ReadBalances(accountID))
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		ws, err := ledger.LoadWallet(ctx, tx, acct)
		if err != nil {
			return err
		}
		out = Wallet{AccountID: acct.ID, Cash: ws.Wallet.Cash(), Held: ws.Held, Available: ws.Wallet.Available(s.env.Now())}
		for _, p := range ws.Wallet.Promos() {
			if p.Balance.IsPositive() {
				out.Promotional = append(out.Promotional, PromotionalCredit{GrantID: p.GrantID, Amount: p.Balance, ExpiresAt: p.ExpiresAt})
			}
		}
		return nil
	})
	return out, err
}

// WalletEntry is one line of the portal's wallet history.
type WalletEntry struct {
	// Seq orders the history.
	Seq int64  `json:"seq"`
	ID  string `json:"id"`
	// Kind is the movement: payment.EntryTopUp, EntryPayment, EntryRefund,
	// EntryPromoGrant, EntryPromoExpire, EntryHold, EntryRelease,
	// EntryCapture or EntryGatewayPayment.
	Kind payment.EntryKind `json:"kind"`
	// RefType and RefID name what the movement was for (a payment, an
	// order, an invoice, a promotional grant).
	RefType string    `json:"ref_type"`
	RefID   string    `json:"ref_id"`
	Memo    string    `json:"memo,omitempty"`
	At      time.Time `json:"at"`
	// Change is how the spendable credit (cash + promotional) moved: +
	// for top-ups, refunds and grants, − for spending, holds and expiry,
	// zero for movements that do not touch it (a pure gateway payment).
	Change money.Amount `json:"change"`
	// CreditAfter is the spendable credit right after the entry (before
	// promotional expiry is applied by the sweep).
	CreditAfter money.Amount `json:"credit_after"`
}

// WalletHistory returns a page of the account's journal entries, oldest
// first (see ListRequest for paging).
func (s *System) WalletHistory(ctx context.Context, req ListRequest) (_ Page[WalletEntry], err error) {
	ctx, op := s.env.Tel.Start(ctx, "WalletHistory")
	defer op.End(&err)
	if err := req.check(false); err != nil {
		return Page[WalletEntry]{}, err
	}
	after, err := seqCursor(req.After)
	if err != nil {
		return Page[WalletEntry]{}, err
	}
	var out []WalletEntry
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		recs, err := tx.Ledger().Entries(ctx, acct.ID, after, req.Limit)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, r := range recs {
			change, err := money.Zero(acct.Currency)
			if err != nil {
				return err
			}
			for _, p := range r.Postings {
				la, err := payment.ParseLedgerAccount(p.LedgerAccount)
				if err != nil {
					return err
				}
				if la.Kind == payment.AccountCash || la.Kind == payment.AccountPromo {
					if change, err = change.Add(p.Amount); err != nil {
						return err
					}
				}
			}
			out = append(out, WalletEntry{Seq: r.Seq, ID: r.ID, Kind: payment.EntryKind(r.Kind), RefType: r.RefType, RefID: r.RefID,
				Memo: r.Memo, At: r.At, Change: change, CreditAfter: r.CreditAfter})
		}
		return nil
	})
	if err != nil {
		return Page[WalletEntry]{}, err
	}
	return pageOf(out, req.Limit, func(e WalletEntry) string { return seqNext(e.Seq) }), nil
}

// GrantRequest gives an account promotional (trial) credit.
type GrantRequest struct {
	AccountID string       `json:"account_id"`
	Amount    money.Amount `json:"amount"`
	// ValidFor is how long the credit can be spent, from now (e.g. 30
	// days for the provider's 3,500,000 VND trial); 1 hour to 10 years.
	ValidFor time.Duration `json:"valid_for"`
	// Actor and Reason go to the audit trail; Actor is required.
	Actor  string `json:"actor"`
	Reason string `json:"reason,omitempty"`
}

// Grant is a promotional credit grant as recorded.
type Grant struct {
	GrantID   string       `json:"grant_id"`
	AccountID string       `json:"account_id"`
	Amount    money.Amount `json:"amount"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// GrantPromotionalCredit adds promotional credit that expires after
// ValidFor: a promo_grant journal entry (expense:promotions → the grant's
// own customer:promo bucket) and an audit record, in one transaction.
// Spending takes it before cash by default; what is left at expiry is moved
// to income:promo_expired by the worker (Tick).
func (s *System) GrantPromotionalCredit(ctx context.Context, key string, req GrantRequest) (_ Grant, err error) {
	ctx, op := s.env.Tel.Start(ctx, "GrantPromotionalCredit")
	defer op.End(&err)
	if err := validateGrant(req); err != nil {
		return Grant{}, err
	}
	if req.Actor == "" {
		return Grant{}, &RequestError{Field: "Actor", Reason: "is required for the audit trail"}
	}
	if req.ValidFor < time.Hour || req.ValidFor > 10*365*24*time.Hour {
		return Grant{}, &RequestError{Field: "ValidFor", Reason: fmt.Sprintf("is %s, want 1h to 10 years", req.ValidFor)}
	}
	if err := payment.ValidateAmount(req.Amount); err != nil {
		return Grant{}, &RequestError{Field: "Amount", Reason: err.Error(), Err: err}
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "wallet.grant", req, func(ctx context.Context, tx storage.Tx) (Grant, error) {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return Grant{}, err
		}
		if err := core.SameCurrency(acct, req.Amount); err != nil {
			return Grant{}, err
		}
		id, err := s.env.NewID("grant")
		if err != nil {
			return Grant{}, err
		}
		now := s.env.Now()
		g := Grant{GrantID: id, AccountID: acct.ID, Amount: req.Amount, ExpiresAt: now.Add(req.ValidFor)}
		e, err := payment.PromoGrantEntry(payment.EntryMeta{
			ID: ledger.EntryID(payment.EntryPromoGrant, id), At: now, Memo: req.Reason,
			Reference: payment.Reference{Type: payment.RefGrant, ID: id},
		}, id, req.Amount)
		if err != nil {
			return Grant{}, err
		}
		if _, err := ledger.AppendEntry(ctx, tx, acct, e, g.ExpiresAt); err != nil {
			return Grant{}, err
		}
		detail, err := json.Marshal(g)
		if err != nil {
			return Grant{}, err
		}
		_, err = tx.Audit().Append(ctx, storage.AuditRecord{AccountID: acct.ID, Actor: req.Actor, Action: "wallet.promo_granted", Detail: detail, At: now})
		return g, err
	})
}
