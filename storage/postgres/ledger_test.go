package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// amount parses "12.345 KWD" for tests.
func amount(t testing.TB, s string) money.Amount {
	t.Helper()
	number, code, ok := strings.Cut(s, " ")
	if !ok {
		t.Fatalf("amount %q is not \"<number> <code>\"", s)
	}
	a, err := money.New(number, code)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func vnd(t testing.TB, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ledgerEntry moves n VND from → to, guarding customer accounts as the
// library does.
func ledgerEntry(t testing.TB, acct, id string, n int64, from, to string) storage.LedgerEntry {
	t.Helper()
	return storage.LedgerEntry{
		ID: id, AccountID: acct, Kind: "test", RefType: "payment", RefID: "ref-" + id, At: epoch,
		Postings: []storage.LedgerPosting{
			{LedgerAccount: from, Amount: vnd(t, -n), NonNegative: strings.HasPrefix(from, "customer:")},
			{LedgerAccount: to, Amount: vnd(t, n), NonNegative: strings.HasPrefix(to, "customer:")},
		},
	}
}

// appendEntries appends es in one transaction and fails the test on error.
func appendEntries(t *testing.T, st storage.Store, es ...storage.LedgerEntry) {
	t.Helper()
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for _, e := range es {
			if _, err := tx.Ledger().Append(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// balances returns the tenant's cached balances as "ledger account → amount
// text", after checking that they agree with the postings.
func balances(t *testing.T, st storage.Store, acct string) map[string]string {
	t.Helper()
	out := map[string]string{}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		cached, err := tx.Ledger().Balances(ctx, acct)
		require.NoError(t, err)
		derived, err := tx.Ledger().PostingTotals(ctx, acct)
		require.NoError(t, err)
		require.Len(t, derived, len(cached), "one total per cached balance")
		for i, b := range cached {
			assert.Equal(t, b.LedgerAccount, derived[i].LedgerAccount)
			assert.True(t, b.Amount.Equal(derived[i].Amount), "%s: cache %s, postings %s", b.LedgerAccount, b.Amount, derived[i].Amount)
			out[b.LedgerAccount] = b.Amount.String()
		}
		return nil
	})
	return out
}

// TestNonNegativeCheckMapsToErrNegativeBalance writes ledger_balances rows
// through host SQL, bypassing Append's own check, to show that the table's
// CHECK is a backstop and that its violation, identified by constraint
// name, is storage.ErrNegativeBalance.
func TestNonNegativeCheckMapsToErrNegativeBalance(t *testing.T) {
	st := pgtest.NewStore(t)
	appendEntries(t, st, ledgerEntry(t, "a", "fund", 100, "gateway:clearing:sim", "customer:cash"))
	balancesTable := st.Schema() + ".ledger_balances"
	insert := "INSERT INTO " + balancesTable + " (account_id, ledger_account, currency, amount, non_negative, updated_at) VALUES ('a', $1, $2, $3, $4, now())"
	for _, tc := range []struct {
		name       string
		sql        string
		args       []any
		want       error
		constraint string
	}{
		{"a new guarded balance of -1 is a negative balance", insert, []any{"customer:promo:g", "VND", "-1", true},
			storage.ErrNegativeBalance, "ledger_balances_non_negative"},
		{"taking the guarded 100 down by 101 is a negative balance",
			"UPDATE " + balancesTable + " SET amount = amount - 101 WHERE account_id = 'a' AND ledger_account = 'customer:cash'", nil,
			storage.ErrNegativeBalance, "ledger_balances_non_negative"},
		{"an unguarded balance may go below zero: -100 clearing becomes -101",
			"UPDATE " + balancesTable + " SET amount = amount - 1 WHERE account_id = 'a' AND ledger_account = 'gateway:clearing:sim'", nil,
			nil, ""},
		{"another CHECK on the table (currency vnd) is an invalid record, not a negative balance", insert, []any{"customer:x", "vnd", "1", true},
			storage.ErrInvalidRecord, "ledger_balances_currency_check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				q, ok := postgres.SQL(tx)
				require.True(t, ok)
				if _, err := q.Exec(ctx, tc.sql, tc.args...); err != nil {
					return err
				}
				return errAbandon
			})
			if tc.want == nil {
				require.ErrorIs(t, err, errAbandon, "the statement succeeded")
				return
			}
			require.ErrorIs(t, err, tc.want)
			other := storage.ErrInvalidRecord
			if tc.want == storage.ErrInvalidRecord {
				other = storage.ErrNegativeBalance
			}
			assert.NotErrorIs(t, err, other)
			var pgErr *pgconn.PgError
			require.ErrorAs(t, err, &pgErr)
			assert.Equal(t, "23514", pgErr.Code)
			assert.Equal(t, tc.constraint, pgErr.ConstraintName)
		})
	}
	assert.Equal(t, map[string]string{"customer:cash": "100 VND", "gateway:clearing:sim": "-100 VND"}, balances(t, st, "a"))
}

// TestAmountsRoundTripExactly: amounts are written as NUMERIC from their
// coefficient and exponent and read back with the row's currency, so no
// digit is lost or invented, whatever the currency's minor digits.
func TestAmountsRoundTripExactly(t *testing.T) {
	st := pgtest.NewStore(t)
	for i, tc := range []struct {
		name, amount, numeric string
	}{
		{"12.345 KWD keeps its three decimals", "12.345 KWD", "12.345"},
		{"181000 VND has no fraction", "181000 VND", "181000"},
		{"a 31-digit KWD amount keeps every digit", "1234567890123456789012345678.901 KWD", "1234567890123456789012345678.901"},
		{"0.0000000001 USD, finer than a cent, is kept", "0.0000000001 USD", "0.0000000001"},
		{"12.50 USD keeps its trailing zero in NUMERIC", "12.50 USD", "12.50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := amount(t, tc.amount)
			acct := fmt.Sprintf("t%d", i)
			e := storage.LedgerEntry{ID: "e", AccountID: acct, Kind: "test", At: epoch, CreditAfter: a,
				Postings: []storage.LedgerPosting{{LedgerAccount: "customer:cash", Amount: a, NonNegative: true}, {LedgerAccount: "x", Amount: a.Neg()}}}
			p := storage.Payment{ID: "p-" + acct, AccountID: acct, Status: "pending", Amount: a, FromCredit: a.MulInt(0), FromGateway: a,
				Refunded: a.MulInt(0), CreatedAt: epoch, UpdatedAt: epoch}
			l := storage.PaymentLink{Token: "tok-" + acct, AccountID: acct, Amount: a, Status: "open", CreatedAt: epoch, UpdatedAt: epoch}
			appendEntries(t, st, e)
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				require.NoError(t, tx.Payments().Create(ctx, p))
				return tx.PaymentLinks().Create(ctx, l)
			})
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				got, err := tx.Ledger().Entry(ctx, acct, "e")
				require.NoError(t, err)
				assert.Equal(t, a.String(), got.Postings[0].Amount.String())
				assert.Equal(t, a.Neg().String(), got.Postings[1].Amount.String())
				assert.Equal(t, a.String(), got.CreditAfter.String())
				gp, err := tx.Payments().Get(ctx, acct, p.ID)
				require.NoError(t, err)
				assert.Equal(t, []string{a.String(), a.MulInt(0).String(), a.String()},
					[]string{gp.Amount.String(), gp.FromCredit.String(), gp.FromGateway.String()})
				gl, err := tx.PaymentLinks().GetForUpdate(ctx, l.Token)
				require.NoError(t, err)
				assert.True(t, a.Equal(gl.Amount), "link amount %s", gl.Amount)

				q, _ := postgres.SQL(tx)
				var stored string
				require.NoError(t, q.QueryRow(ctx, "SELECT amount::text FROM "+st.Schema()+".ledger_postings WHERE account_id = $1 AND idx = 1", acct).Scan(&stored))
				assert.Equal(t, tc.numeric, stored, "the NUMERIC holds exactly the decimal written")
				return nil
			})
			assert.Equal(t, map[string]string{"customer:cash": a.String(), "x": a.Neg().String()}, balances(t, st, acct))
		})
	}
}

// TestRefusedAppendKeepsTheTransactionUsable: Append refuses in one
// statement that writes nothing, so a caller may handle the error and go on
// in the same transaction; the refused entry leaves no trace.
func TestRefusedAppendKeepsTheTransactionUsable(t *testing.T) {
	st := pgtest.NewStore(t)
	appendEntries(t, st, ledgerEntry(t, "a", "fund", 100_000, "gateway:clearing:sim", "customer:cash"))
	usd := storage.LedgerEntry{ID: "usd", AccountID: "a", Kind: "test", At: epoch, Postings: []storage.LedgerPosting{
		{LedgerAccount: "customer:cash", Amount: amount(t, "1.00 USD")}, {LedgerAccount: "revenue:usd", Amount: amount(t, "-1.00 USD")}}}
	for i, tc := range []struct {
		name  string
		entry storage.LedgerEntry
		want  error
	}{
		{"spending 100,001 of 100,000 is a negative balance", ledgerEntry(t, "a", "over", 100_001, "customer:cash", "revenue:sales"), storage.ErrNegativeBalance},
		{"1.00 USD into the VND cash balance is an invalid record", usd, storage.ErrInvalidRecord},
		{"the id fund again is a duplicate", ledgerEntry(t, "a", "fund", 1, "gateway:clearing:sim", "customer:cash"), storage.ErrDuplicate},
		{"a duplicate that would also overdraw is reported as a duplicate", ledgerEntry(t, "a", "fund", 999_999, "customer:cash", "revenue:sales"), storage.ErrDuplicate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := ledgerEntry(t, "a", fmt.Sprintf("after-%d", i), 1_000, "customer:cash", "revenue:sales")
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Ledger().Append(ctx, tc.entry)
				require.ErrorIs(t, err, tc.want)
				_, err = tx.Ledger().Append(ctx, next)
				return err
			})
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Ledger().Entry(ctx, "a", next.ID)
				require.NoError(t, err, "the entry after the refusal committed")
				if tc.want != storage.ErrDuplicate {
					_, err = tx.Ledger().Entry(ctx, "a", tc.entry.ID)
					assert.ErrorIs(t, err, storage.ErrNotFound, "the refused entry was not stored")
				}
				return nil
			})
		})
	}
	assert.Equal(t, map[string]string{
		"customer:cash": "96000 VND", "gateway:clearing:sim": "-100000 VND", "revenue:sales": "4000 VND",
	}, balances(t, st, "a"), "only the four debits of 1,000 changed the balances")
}

func TestAppendNetsAndGuardsPerLedgerAccount(t *testing.T) {
	post := func(acct string, n int64, guard bool) storage.LedgerPosting {
		return storage.LedgerPosting{LedgerAccount: acct, Amount: vnd(t, n), NonNegative: guard}
	}
	entry := func(id string, ps ...storage.LedgerPosting) storage.LedgerEntry {
		return storage.LedgerEntry{ID: id, AccountID: "a", Kind: "test", At: epoch, Postings: ps}
	}
	for _, tc := range []struct {
		name  string
		setup []storage.LedgerEntry
		entry storage.LedgerEntry
		want  error
		after map[string]string
	}{
		{"+150 and -100 to one empty guarded account net to +50 and are accepted", nil,
			entry("e", post("customer:cash", 150, true), post("customer:cash", -100, true), post("x", -50, false)), nil,
			map[string]string{"customer:cash": "50 VND", "x": "-50 VND"}},
		{"+100 and -150 to one empty guarded account net to -50 and are refused", nil,
			entry("e", post("customer:cash", 100, true), post("customer:cash", -150, true), post("x", 50, false)), storage.ErrNegativeBalance,
			map[string]string{}},
		{"once guarded, an account refuses an unguarded posting that would take 100 to -1",
			[]storage.LedgerEntry{entry("fund", post("customer:cash", 100, true), post("x", -100, false))},
			entry("e", post("customer:cash", -101, false), post("y", 101, false)), storage.ErrNegativeBalance,
			map[string]string{"customer:cash": "100 VND", "x": "-100 VND"}},
		{"a guarded debit does not guard a balance created unguarded: 100, -50 guarded, then -80 unguarded ends at -30",
			[]storage.LedgerEntry{
				entry("fund", post("x", 100, false), post("y", -100, false)),
				entry("debit", post("x", -50, true), post("y", 50, false)),
			},
			entry("e", post("x", -80, false), post("y", 80, false)), nil,
			map[string]string{"x": "-30 VND", "y": "30 VND"}},
		{"a guarded debit of an unguarded 100 by 101 is refused",
			[]storage.LedgerEntry{entry("fund", post("x", 100, false), post("y", -100, false))},
			entry("e", post("x", -101, true), post("y", 101, false)), storage.ErrNegativeBalance,
			map[string]string{"x": "100 VND", "y": "-100 VND"}},
		{"a guarded credit guards an unguarded balance: 100, +1 guarded, then -102 unguarded is refused",
			[]storage.LedgerEntry{
				entry("fund", post("x", 100, false), post("y", -100, false)),
				entry("credit", post("x", 1, true), post("y", -1, false)),
			},
			entry("e", post("x", -102, false), post("y", 102, false)), storage.ErrNegativeBalance,
			map[string]string{"x": "101 VND", "y": "-101 VND"}},
		{"an unguarded account may go to -100",
			nil, entry("e", post("x", -100, false), post("y", 100, false)), nil,
			map[string]string{"x": "-100 VND", "y": "100 VND"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pgtest.NewStore(t)
			appendEntries(t, st, tc.setup...)
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Ledger().Append(ctx, tc.entry)
				return err
			})
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			} else {
				require.NoError(t, err)
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					got, err := tx.Ledger().Entry(ctx, "a", "e")
					require.NoError(t, err)
					assert.Len(t, got.Postings, len(tc.entry.Postings), "postings are stored as given, not netted")
					for i, p := range got.Postings {
						assert.Equal(t, tc.entry.Postings[i].LedgerAccount, p.LedgerAccount, "posting %d in order", i)
						assert.True(t, tc.entry.Postings[i].Amount.Equal(p.Amount), "posting %d amount", i)
						assert.Equal(t, tc.entry.Postings[i].NonNegative, p.NonNegative, "posting %d guard", i)
					}
					return nil
				})
			}
			assert.Equal(t, tc.after, balances(t, st, "a"))
		})
	}
}

// TestAppendRaceBackstops: a balance row that a concurrent transaction
// creates while Append runs is invisible to Append's own check; the
// statement then waits for that transaction, adds to its row, and the
// table's constraints refuse what the check could not see.
// TestAppendRaceBackstops: an entry appended while another transaction
// creates, without committing yet, a balance the entry's check could not
// lock. At READ COMMITTED the table's constraints refuse it once the other
// commits; at SERIALIZABLE the database aborts it (40001) instead, and the
// rerun's own check refuses it with the same error. It runs at both levels
// whatever the environment says.
func TestAppendRaceBackstops(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first storage.LedgerEntry
		want  error
		code  string // the SQLSTATE of the constraint that refused it
	}{
		{"a concurrent unguarded -50 makes a guarded +30 end at -20: negative balance",
			storage.LedgerEntry{ID: "first", AccountID: "a", Kind: "test", At: epoch, Postings: []storage.LedgerPosting{
				{LedgerAccount: "customer:cash", Amount: vnd(t, -50)}, {LedgerAccount: "x", Amount: vnd(t, 50)}}},
			storage.ErrNegativeBalance, "23514"},
		{"a concurrent USD balance under a VND posting: invalid record",
			storage.LedgerEntry{ID: "first", AccountID: "a", Kind: "test", At: epoch, Postings: []storage.LedgerPosting{
				{LedgerAccount: "customer:cash", Amount: amount(t, "1.00 USD")}, {LedgerAccount: "x", Amount: amount(t, "-1.00 USD")}}},
			storage.ErrInvalidRecord, "23502"},
	} {
		for _, iso := range []postgres.Isolation{postgres.ReadCommitted, postgres.Serializable} {
			t.Run(tc.name+"/"+iso.String(), func(t *testing.T) {
				st := pgtest.NewStoreWithOptions(t, postgres.Options{Isolation: iso})
				appended, finish := make(chan struct{}), make(chan struct{})
				first := make(chan error, 1)
				go func() {
					first <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
						if _, err := tx.Ledger().Append(ctx, tc.first); err != nil {
							return err
						}
						close(appended)
						<-finish
						return nil
					})
				}()
				<-appended
				second := make(chan error, 1)
				go func() {
					second <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
						_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "a", "second", 30, "y", "customer:cash"))
						return err
					})
				}()
				waitForLockWaiter(t, st)
				close(finish)
				require.NoError(t, <-first)
				err := <-second
				require.ErrorIs(t, err, tc.want)
				var pgErr *pgconn.PgError
				if iso == postgres.ReadCommitted {
					require.ErrorAs(t, err, &pgErr, "refused by the table, not by Append's own check")
					assert.Equal(t, tc.code, pgErr.Code)
					assert.Zero(t, st.Stats().Retries)
				} else {
					assert.False(t, errors.As(err, &pgErr), "refused by Append's own check after the rerun: %v", err)
					assert.Equal(t, uint64(1), st.Stats().SerializationFailures, "the first attempt was aborted")
					assert.Equal(t, uint64(1), st.Stats().Retries)
				}
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					_, err := tx.Ledger().Entry(ctx, "a", "second")
					assert.ErrorIs(t, err, storage.ErrNotFound)
					return nil
				})
			})
		}
	}
}

// TestEntriesInOppositePostingOrderDoNotDeadlock runs many entries of one
// tenant that touch the same two balances, half of them listing the
// postings in the other order. Append locks balances in ledger account
// order whatever the postings' order, so none deadlocks: the store counts no
// 40P01. At READ COMMITTED nothing is aborted at all; at SERIALIZABLE the
// 40001 aborts that contention brings are rerun.
func TestEntriesInOppositePostingOrderDoNotDeadlock(t *testing.T) {
	st := pgtest.NewStoreWithOptions(t, postgres.Options{MaxRetries: 1000})
	appendEntries(t, st, ledgerEntry(t, "a", "seed", 1, "x", "y"))
	const workers, each = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				from, to := "x", "y"
				if w%2 == 1 {
					from, to = "y", "x"
				}
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "a", fmt.Sprintf("w%d-%d", w, i), 1, from, to))
					return err
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			t.Errorf("SQLSTATE %s: %v", pgErr.Code, err)
		} else {
			t.Error(err)
		}
	}
	assert.Equal(t, map[string]string{"x": "-1 VND", "y": "1 VND"}, balances(t, st, "a"),
		"8 workers moved 20 each x→y and 8 moved 20 each y→x")
	stats := st.Stats()
	assert.Zero(t, stats.Deadlocks, "no entry deadlocked")
	if levelOf(t, st) == "read committed" {
		assert.Zero(t, stats.SerializationFailures, "nothing is aborted at READ COMMITTED")
	}
}
