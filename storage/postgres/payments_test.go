package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

func payment(t testing.TB, acct, id string, created time.Time) storage.Payment {
	return storage.Payment{
		ID: id, AccountID: acct, Purpose: "order", PurposeRef: "order-" + id, Method: "gateway", Status: "pending",
		Amount: vnd(t, 181_000), FromCredit: vnd(t, 0), FromGateway: vnd(t, 181_000), Refunded: vnd(t, 0),
		Gateway: "sim", ExpiresAt: created.Add(15 * time.Minute), CreatedAt: created, UpdatedAt: created,
	}
}

// nulls reports, for the row of one table matched by where, whether each
// of columns is NULL.
func nulls(t *testing.T, st *postgres.Store, table, where string, columns ...string) []bool {
	t.Helper()
	out := make([]bool, len(columns))
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		dest := make([]any, len(columns))
		sel := ""
		for i, c := range columns {
			if i > 0 {
				sel += ", "
			}
			sel += c + " IS NULL"
			dest[i] = &out[i]
		}
		return q.QueryRow(ctx, "SELECT "+sel+" FROM "+st.Schema()+"."+table+" WHERE "+where).Scan(dest...)
	})
	return out
}

// TestAbsentValuesAreNULL: the zero time and the zero Amount (no currency)
// are stored as NULL, kept out of the expiry indexes, and read back as
// zero values.
func TestAbsentValuesAreNULL(t *testing.T) {
	st := pgtest.NewStore(t)
	p := payment(t, "a", "p1", epoch)
	p.ExpiresAt, p.FromCredit, p.Refunded = time.Time{}, money.Amount{}, money.Amount{}
	bare := storage.Payment{ID: "p2", AccountID: "a", Status: "created", CreatedAt: epoch, UpdatedAt: epoch}
	link := storage.PaymentLink{Token: "tok", AccountID: "a", Status: "open", CreatedAt: epoch, UpdatedAt: epoch}
	e := ledgerEntry(t, "a", "e", 5, "x", "y")
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, tx.Payments().Create(ctx, p))
		require.NoError(t, tx.Payments().Create(ctx, bare))
		require.NoError(t, tx.PaymentLinks().Create(ctx, link))
		_, err := tx.Ledger().Append(ctx, e)
		return err
	})

	assert.Equal(t, []bool{true, false, true, false, true}, nulls(t, st, "payments", "id = 'p1'", "expires_at", "amount", "from_credit", "from_gateway", "refunded"))
	assert.Equal(t, []bool{true, true}, nulls(t, st, "payments", "id = 'p2'", "currency", "amount"), "a payment without amounts has no currency")
	assert.Equal(t, []bool{true, true, true}, nulls(t, st, "payment_links", "token = 'tok'", "currency", "amount", "expires_at"))
	assert.Equal(t, []bool{true}, nulls(t, st, "ledger_entries", "id = 'e'", "credit_after"))
	assert.Equal(t, []bool{true}, nulls(t, st, "ledger_balances", "ledger_account = 'y'", "expires_at"))

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.Payments().Get(ctx, "a", "p1")
		require.NoError(t, err)
		assert.True(t, got.ExpiresAt.IsZero())
		assert.Equal(t, money.Amount{}, got.FromCredit)
		assert.Equal(t, money.Amount{}, got.Refunded)
		assert.True(t, got.FromGateway.Equal(vnd(t, 181_000)))
		got, err = tx.Payments().Get(ctx, "a", "p2")
		require.NoError(t, err)
		assert.Equal(t, money.Amount{}, got.Amount)
		gl, err := tx.PaymentLinks().GetForUpdate(ctx, "tok")
		require.NoError(t, err)
		assert.Equal(t, money.Amount{}, gl.Amount)
		assert.True(t, gl.ExpiresAt.IsZero())
		ge, err := tx.Ledger().Entry(ctx, "a", "e")
		require.NoError(t, err)
		assert.Equal(t, money.Amount{}, ge.CreditAfter)
		due, err := tx.Payments().ExpiryDue(ctx, epoch.Add(100*365*24*time.Hour), 10)
		require.NoError(t, err)
		assert.Empty(t, due, "a pending payment without expiry never expires")
		exp, err := tx.Ledger().Expiring(ctx, epoch.Add(100*365*24*time.Hour), 10)
		require.NoError(t, err)
		assert.Empty(t, exp, "a balance without expiry never expires")
		return nil
	})
}

func TestPaymentUpdateIsVersionedByTheDatabase(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		return tx.Payments().Create(ctx, payment(t, "a", "p", epoch))
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		p, err := tx.Payments().GetForUpdate(ctx, "a", "p")
		require.NoError(t, err)
		require.Equal(t, int64(1), p.Version)
		p.Version, p.CreatedAt, p.Status = 99, epoch.Add(time.Hour), "succeeded"
		p.Refunded = vnd(t, 81_000)
		got, err := tx.Payments().Update(ctx, p)
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version, "version 1 + 1, whatever the caller's copy said")
		assert.True(t, got.CreatedAt.Equal(epoch), "CreatedAt kept")
		assert.True(t, got.Refunded.Equal(vnd(t, 81_000)))
		p.AccountID = "b"
		_, err = tx.Payments().Update(ctx, p)
		assert.ErrorIs(t, err, storage.ErrNotFound, "another tenant cannot update it")
		return nil
	})
}

func TestPaymentListPagesByCreationTimeThenID(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		// p0 … p4 a minute apart; q1 and q2 in the same instant as p4.
		for i := range 5 {
			if err := tx.Payments().Create(ctx, payment(t, "a", fmt.Sprintf("p%d", i), epoch.Add(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
		}
		for _, id := range []string{"q2", "q1"} {
			if err := tx.Payments().Create(ctx, payment(t, "a", id, epoch.Add(4*time.Minute))); err != nil {
				return err
			}
		}
		return tx.Payments().Create(ctx, payment(t, "b", "other", epoch))
	})
	for _, tc := range []struct {
		name    string
		after   string
		limit   int
		want    []string
		wantErr error
	}{
		{"the first page of 3 is q2, q1, p4: newest first, ties by id descending", "", 3, []string{"q2", "q1", "p4"}, nil},
		{"after p4 come p3, p2", "p4", 2, []string{"p3", "p2"}, nil},
		{"after q1 comes p4 (same instant, smaller id)", "q1", 1, []string{"p4"}, nil},
		{"after the oldest, p0, the page is empty", "p0", 10, nil, nil},
		{"an unknown cursor is not found", "nope", 10, nil, storage.ErrNotFound},
		{"another tenant's payment as cursor is not found", "other", 10, nil, storage.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				got, err := tx.Payments().List(ctx, "a", tc.after, tc.limit)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					return nil
				}
				require.NoError(t, err)
				var ids []string
				for _, p := range got {
					ids = append(ids, p.ID)
				}
				assert.Equal(t, tc.want, ids)
				return nil
			})
		})
	}
}

// TestASecondGatewayEventRecordWaitsForTheFirst: the second delivery of a
// callback waits for the transaction applying the first, then is a
// duplicate if that one committed, or applies if it rolled back.
func TestASecondGatewayEventRecordWaitsForTheFirst(t *testing.T) {
	for _, tc := range []struct {
		name         string
		firstCommits bool
		want         error
	}{
		{"first commits: the second is a duplicate", true, storage.ErrDuplicate},
		{"first rolls back: the second records the event", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pgtest.NewStore(t)
			recorded, finish := make(chan struct{}), make(chan struct{})
			first := make(chan error, 1)
			go func() {
				first <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					if err := tx.GatewayEvents().Record(ctx, "sim", "evt-1", epoch); err != nil {
						return err
					}
					close(recorded)
					<-finish
					if !tc.firstCommits {
						return errAbandon
					}
					return nil
				})
			}()
			<-recorded
			second := make(chan error, 1)
			go func() {
				second <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					return tx.GatewayEvents().Record(ctx, "sim", "evt-1", epoch.Add(time.Second))
				})
			}()
			waitForLockWaiter(t, st)
			close(finish)
			if tc.firstCommits {
				require.NoError(t, <-first)
			} else {
				require.ErrorIs(t, <-first, errAbandon)
			}
			err := <-second
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestLinkedAccountsListInCreationOrder(t *testing.T) {
	st := pgtest.NewStore(t)
	la := func(id string, created time.Time) storage.LinkedAccount {
		return storage.LinkedAccount{ID: id, AccountID: "a", Gateway: "sim", Status: "active", Token: "tok_" + id,
			Display: "sim •••• 4242", CreatedAt: created, UpdatedAt: created}
	}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for _, l := range []storage.LinkedAccount{
			la("z-late", epoch.Add(time.Hour)), la("m", epoch), la("b", epoch), la("a-early", epoch.Add(-time.Hour)),
		} {
			if err := tx.LinkedAccounts().Create(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		list, err := tx.LinkedAccounts().List(ctx, "a")
		require.NoError(t, err)
		var ids []string
		for _, l := range list {
			ids = append(ids, l.ID)
		}
		assert.Equal(t, []string{"a-early", "m", "b", "z-late"}, ids, "by CreatedAt, then in the order created (m before b)")
		return nil
	})
}
