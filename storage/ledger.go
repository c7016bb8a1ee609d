package storage

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// ErrNegativeBalance reports a ledger entry that would take a balance marked
// NonNegative below zero; the whole entry is refused.
var ErrNegativeBalance = errors.New("storage: balance would go below zero")

// LedgerPosting is one leg of a journal entry: a signed amount moved into
// (positive) or out of (negative) one ledger account of the tenant.
type LedgerPosting struct {
	// LedgerAccount is the account's stable string form
	// ("customer:cash", "customer:promo:<grant>", "revenue:sales", …).
	LedgerAccount string
	// Amount is signed; an entry's postings sum to zero.
	Amount money.Amount
	// NonNegative asks the store to refuse the entry (ErrNegativeBalance)
	// if it would leave this ledger account's balance below zero. The
	// library sets it on every customer credit account, so prepaid credit
	// can never go negative even if a caller forgot to check.
	NonNegative bool
	// ExpiresAt, if set, is recorded on the balance the first time the
	// ledger account receives a posting (promotional credit grants); later
	// postings leave it unchanged.
	ExpiresAt time.Time
}

// LedgerEntry is one journal entry of a tenant's ledger. Entries are
// append-only.
type LedgerEntry struct {
	// Seq is assigned by the store on Append, increasing per store.
	Seq int64
	// ID is chosen by the caller, unique per tenant.
	ID        string
	AccountID string
	// Kind names the movement ("top_up", "payment", "refund", …).
	Kind string
	// RefType and RefID say what the movement is for (a payment, an
	// invoice, a promotional grant).
	RefType string
	RefID   string
	Memo    string
	At      time.Time
	// Postings are the legs; at least two, summing to zero, one currency.
	Postings []LedgerPosting
	// CreditAfter is the customer's spendable credit right after this
	// entry (computed by the caller, which holds the wallet lock): the
	// running balance of the portal's wallet history.
	CreditAfter money.Amount
}

// LedgerBalance is the cached balance of one ledger account of a tenant.
type LedgerBalance struct {
	AccountID     string
	LedgerAccount string
	Amount        money.Amount
	// ExpiresAt is the expiry recorded for the account (zero if none).
	ExpiresAt time.Time
	UpdatedAt time.Time
}

// Ledger is the repository of journal entries and balances.
//
// Callers serialise changes to one tenant's wallet by locking the tenant
// with Accounts().GetForUpdate first; the store itself guarantees that
// concurrent Appends never lose an update to a balance and that a balance
// marked NonNegative never goes below zero.
type Ledger interface {
	// Append stores e and its postings and applies them to the cached
	// balances in the same transaction, returning e with Seq set. It
	// refuses: postings that do not sum to zero, mix currencies or number
	// fewer than two (ErrInvalidRecord); a duplicate (AccountID, ID)
	// (ErrDuplicate); a NonNegative balance going below zero
	// (ErrNegativeBalance).
	Append(ctx context.Context, e LedgerEntry) (LedgerEntry, error)
	// Entry returns one entry of the tenant, or ErrNotFound.
	Entry(ctx context.Context, accountID, id string) (LedgerEntry, error)
	// Entries returns up to limit (1–1000) of the tenant's entries with
	// Seq > afterSeq, oldest first (ErrInvalidRecord for a bad limit).
	Entries(ctx context.Context, accountID string, afterSeq int64, limit int) ([]LedgerEntry, error)
	// Balances returns the tenant's cached balances, sorted by
	// LedgerAccount, including zero ones.
	Balances(ctx context.Context, accountID string) ([]LedgerBalance, error)
	// PostingTotals recomputes the tenant's balances from the postings
	// themselves (no ExpiresAt/UpdatedAt), sorted by LedgerAccount: the
	// audit that the cache agrees with the journal.
	PostingTotals(ctx context.Context, accountID string) ([]LedgerBalance, error)
	// Expiring returns up to limit balances (of any tenant) with a non-zero
	// ExpiresAt at or before t and a positive amount, oldest expiry first:
	// the promotional credit that is due to expire.
	Expiring(ctx context.Context, t time.Time, limit int) ([]LedgerBalance, error)
}
