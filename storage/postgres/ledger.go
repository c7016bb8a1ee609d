package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// maxPage is the contract's largest page for every listing with a limit.
const maxPage = 1000

// ledger is the storage.Ledger of one transaction.
type ledger struct{ t *tx }

// checkLimit enforces the 1–1000 page size of the listings.
func checkLimit(what string, limit int) error {
	if limit < 1 || limit > maxPage {
		return fmt.Errorf("postgres: %s limit %d not in 1–%d: %w", what, limit, maxPage, storage.ErrInvalidRecord)
	}
	return nil
}

// validEntry makes, in Go, every check that Append's statement would
// otherwise fail on, so that a bad entry returns ErrInvalidRecord and leaves
// the transaction usable. It returns the entry's currency.
func validEntry(e storage.LedgerEntry) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("postgres: ledger entry %q: %s: %w", e.ID, fmt.Sprintf(format, args...), storage.ErrInvalidRecord)
	}
	if e.ID == "" || e.AccountID == "" || e.Kind == "" {
		return fail("id, account and kind are required")
	}
	for _, s := range []string{e.ID, e.AccountID, e.Kind, e.RefType, e.RefID, e.Memo} {
		if !storable(s) {
			return fail("text must be UTF-8 without NUL bytes")
		}
	}
	if len(e.Postings) < 2 {
		return fail("%d postings, at least 2 needed", len(e.Postings))
	}
	cur := e.Postings[0].Amount.Currency().Code()
	amounts := make([]money.Amount, len(e.Postings))
	for i, p := range e.Postings {
		if p.LedgerAccount == "" || !storable(p.LedgerAccount) {
			return fail("posting %d needs a ledger account of UTF-8 text without NUL bytes", i)
		}
		amounts[i] = p.Amount
	}
	sum, err := money.Sum(cur, amounts...)
	if err != nil {
		return fail("%v", err)
	}
	if !sum.IsZero() {
		return fail("postings sum to %s", sum)
	}
	if !currencyCode(cur) {
		return fail("currency %q is not three upper-case letters", cur)
	}
	// The table keeps one currency per entry, so the running balance must
	// be in it (or absent).
	if c := e.CreditAfter.Currency().Code(); c != "" && c != cur {
		return fail("credit after is in %s, postings in %s", c, cur)
	}
	return cur, nil
}

// balanceDelta is an entry's net change to one ledger account.
type balanceDelta struct {
	account     string
	amount      decimal.Decimal
	nonNegative bool
	expiresAt   time.Time
}

// netChanges sums an entry's postings per ledger account, sorted by ledger
// account: the order in which Append locks and updates the balances. A
// ledger account is guarded if any of its postings asks for it, and takes
// the expiry of its first posting, as a new balance does in the in-memory
// store.
func netChanges(ps []storage.LedgerPosting) []balanceDelta {
	out := make([]balanceDelta, 0, len(ps))
	for _, p := range ps {
		i := slices.IndexFunc(out, func(d balanceDelta) bool { return d.account == p.LedgerAccount })
		if i < 0 {
			out = append(out, balanceDelta{account: p.LedgerAccount, amount: p.Amount.Number(), nonNegative: p.NonNegative, expiresAt: p.ExpiresAt})
			continue
		}
		out[i].amount = out[i].amount.Add(p.Amount.Number())
		out[i].nonNegative = out[i].nonNegative || p.NonNegative
	}
	slices.SortFunc(out, func(a, b balanceDelta) int { return strings.Compare(a.account, b.account) })
	return out
}

// Append stores the entry, its postings and their effect on the balances
// in one statement (see ledgerQueries.appendEntry). Postings to one ledger
// account are netted before the balance is checked and changed. A balance
// that a NonNegative posting created or credited stays guarded: later
// postings to it are refused too, NonNegative or not, if they would take it
// below zero.
func (r ledger) Append(ctx context.Context, e storage.LedgerEntry) (storage.LedgerEntry, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LedgerEntry{}, err
	}
	cur, err := validEntry(e)
	if err != nil {
		return storage.LedgerEntry{}, err
	}
	n := len(e.Postings)
	pAccounts, pAmounts := make([]string, n), make([]pgtype.Numeric, n)
	pGuards, pExpiries := make([]bool, n), make([]pgtype.Timestamptz, n)
	for i, p := range e.Postings {
		pAccounts[i], pAmounts[i], pGuards[i], pExpiries[i] = p.LedgerAccount, numeric(p.Amount.Number()), p.NonNegative, nullTime(p.ExpiresAt)
	}
	deltas := netChanges(e.Postings)
	m := len(deltas)
	dAccounts, dAmounts := make([]string, m), make([]pgtype.Numeric, m)
	dGuards, dExpiries := make([]bool, m), make([]pgtype.Timestamptz, m)
	for i, d := range deltas {
		dAccounts[i], dAmounts[i], dGuards[i], dExpiries[i] = d.account, numeric(d.amount), d.nonNegative, nullTime(d.expiresAt)
	}

	var (
		seq        pgtype.Int8
		dup        bool
		refused    pgtype.Text
		wrongCur   pgtype.Bool
		amountLeft pgtype.Numeric
	)
	args := []any{e.AccountID, e.ID, e.Kind, e.RefType, e.RefID, e.Memo, e.At, cur, amountArg(e.CreditAfter),
		pAccounts, pAmounts, pGuards, pExpiries,
		dAccounts, dAmounts, dGuards, dExpiries}
	op := fmt.Sprintf("append ledger entry %q", e.ID)
	check := func(row pgx.Row) error {
		err := row.Scan(&seq, &dup, &refused, &wrongCur, &amountLeft)
		switch {
		case err != nil:
			return r.t.fail(op, err)
		case dup:
			return fmt.Errorf("postgres: %s: %w", op, storage.ErrDuplicate)
		case refused.Valid && wrongCur.Bool:
			return fmt.Errorf("postgres: %s: balance of %s is not in %s: %w", op, refused.String, cur, storage.ErrInvalidRecord)
		case refused.Valid:
			left := "below zero"
			if a, err := readAmount(amountLeft, cur); err == nil {
				left = a.String()
			}
			return fmt.Errorf("postgres: %s: %s of %q would be %s: %w", op, refused.String, e.AccountID, left, storage.ErrNegativeBalance)
		case !seq.Valid:
			// Not visible when the statement began, but committed by a
			// concurrent transaction before the insert: ON CONFLICT waited
			// for it and inserted nothing.
			return fmt.Errorf("postgres: %s: %w", op, storage.ErrDuplicate)
		}
		return nil
	}
	e.Postings = slices.Clone(e.Postings)
	if storage.WritesDeferred(ctx) {
		// Held back: the entry comes back without its Seq.
		r.t.pg.queueRead(r.t.s.guarded.bySQL[r.t.s.q.ledger.appendEntry], args, func(br pgx.BatchResults) error {
			var inserted int32
			err := br.QueryRow().Scan(&seq, &dup, &refused, &wrongCur, &amountLeft, &inserted)
			if guardFailed(err) {
				// The guard says no entry was inserted, not why: a taken
				// id or a refused balance; the spend was planned from
				// the wallet under the account lock, so the latter.
				return fmt.Errorf("postgres: %s: refused (a balance would go below zero, is in another currency, or the id is taken): %w",
					op, storage.ErrNegativeBalance)
			}
			return check(errRow{err})
		})
		return e, nil
	}
	if err := check(r.t.pg.QueryRow(ctx, r.t.s.q.ledger.appendEntry, args...)); err != nil {
		return storage.LedgerEntry{}, err
	}
	e.Seq = seq.Int64
	return e, nil
}

func (r ledger) Entry(ctx context.Context, accountID, id string) (storage.LedgerEntry, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LedgerEntry{}, err
	}
	op := fmt.Sprintf("get ledger entry %q", id)
	if !storable(accountID) || !storable(id) {
		return storage.LedgerEntry{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	rows, err := r.t.pg.Query(ctx, r.t.s.q.ledger.getEntry, accountID, id)
	if err != nil {
		return storage.LedgerEntry{}, r.t.fail(op, err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return storage.LedgerEntry{}, r.t.fail(op, err)
	}
	if len(es) == 0 {
		return storage.LedgerEntry{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	return es[0], nil
}

func (r ledger) Entries(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.LedgerEntry, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("ledger entries", limit); err != nil {
		return nil, err
	}
	if !storable(accountID) {
		return nil, nil
	}
	rows, err := r.t.pg.Query(ctx, r.t.s.q.ledger.listEntries, accountID, afterSeq, limit)
	if err != nil {
		return nil, r.t.fail("list ledger entries", err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, r.t.fail("list ledger entries", err)
	}
	return es, nil
}

// scanEntries reads rows of entryColumns, one per posting, into entries in
// row order, and closes rows.
func scanEntries(rows pgx.Rows) ([]storage.LedgerEntry, error) {
	defer rows.Close()
	var out []storage.LedgerEntry
	for rows.Next() {
		var (
			e                 storage.LedgerEntry
			cur               string
			creditAfter       pgtype.Numeric
			p                 storage.LedgerPosting
			amount            pgtype.Numeric
			postingExpiration pgtype.Timestamptz
		)
		if err := rows.Scan(&e.Seq, &e.ID, &e.AccountID, &e.Kind, &e.RefType, &e.RefID, &e.Memo, &e.At, &cur, &creditAfter,
			&p.LedgerAccount, &amount, &p.NonNegative, &postingExpiration); err != nil {
			return nil, err
		}
		var err error
		if p.Amount, err = readAmount(amount, cur); err != nil {
			return nil, err
		}
		p.ExpiresAt = timeOf(postingExpiration)
		if n := len(out); n > 0 && out[n-1].Seq == e.Seq {
			out[n-1].Postings = append(out[n-1].Postings, p)
			continue
		}
		if e.CreditAfter, err = readAmount(creditAfter, cur); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		e.Postings = []storage.LedgerPosting{p}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (r ledger) Balances(ctx context.Context, accountID string) ([]storage.LedgerBalance, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !storable(accountID) {
		return nil, nil
	}
	return r.queryBalances(ctx, "list ledger balances", r.t.s.q.ledger.balances, accountID)
}

func (r ledger) Expiring(ctx context.Context, t time.Time, limit int) ([]storage.LedgerBalance, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("expiring balances", limit); err != nil {
		return nil, err
	}
	return r.queryBalances(ctx, "list expiring balances", r.t.s.q.ledger.expiring, t, limit)
}

// queryBalances runs a query returning balanceColumns.
func (r ledger) queryBalances(ctx context.Context, op, query string, args ...any) ([]storage.LedgerBalance, error) {
	rows, err := r.t.pg.Query(ctx, query, args...)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	defer rows.Close()
	var out []storage.LedgerBalance
	for rows.Next() {
		var (
			b       storage.LedgerBalance
			cur     string
			amount  pgtype.Numeric
			expires pgtype.Timestamptz
		)
		if err := rows.Scan(&b.AccountID, &b.LedgerAccount, &cur, &amount, &expires, &b.UpdatedAt); err != nil {
			return nil, r.t.fail(op, err)
		}
		if b.Amount, err = readAmount(amount, cur); err != nil {
			return nil, r.t.fail(op, err)
		}
		b.ExpiresAt, b.UpdatedAt = timeOf(expires), b.UpdatedAt.UTC()
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail(op, err)
	}
	return out, nil
}

func (r ledger) PostingTotals(ctx context.Context, accountID string) ([]storage.LedgerBalance, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !storable(accountID) {
		return nil, nil
	}
	const op = "total ledger postings"
	rows, err := r.t.pg.Query(ctx, r.t.s.q.ledger.postingTotals, accountID)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	defer rows.Close()
	var out []storage.LedgerBalance
	for rows.Next() {
		var (
			acct, cur string
			sum       pgtype.Numeric
		)
		if err := rows.Scan(&acct, &cur, &sum); err != nil {
			return nil, r.t.fail(op, err)
		}
		amount, err := readAmount(sum, cur)
		if err != nil {
			return nil, r.t.fail(op, err)
		}
		// Append keeps each ledger account in one currency; two groups
		// for one account mean rows written around the store.
		if n := len(out); n > 0 && out[n-1].LedgerAccount == acct {
			return nil, fmt.Errorf("postgres: %s: ledger account %q has postings in %s and %s",
				op, acct, out[n-1].Amount.Currency().Code(), cur)
		}
		out = append(out, storage.LedgerBalance{AccountID: accountID, LedgerAccount: acct, Amount: amount})
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail(op, err)
	}
	return out, nil
}
