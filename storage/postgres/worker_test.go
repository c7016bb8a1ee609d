package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// insertOldPayment writes a payment of 181,000 VND through the gateway as
// builds before version 4 did, naming only the columns those versions
// have; it expires 15 minutes after created.
func insertOldPayment(ctx context.Context, tx storage.Tx, schema, acct, id, status string, created time.Time) error {
	q, _ := postgres.SQL(tx)
	_, err := q.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "payments"}.Sanitize()+`
		(id, account_id, purpose, purpose_ref, method, status, currency, amount, from_credit, from_gateway, refunded,
		 gateway, gateway_ref, redirect_url, linked_account_id, failure_reason, description, expires_at, created_at, updated_at, version)
		VALUES ($1, $2, 'order', 'order-' || $1, 'gateway', $3, 'VND', 181000, 0, 181000, 0,
		 'sim', '', '', '', '', '', $4::timestamptz + interval '15 minutes', $4, $4, 1)`, id, acct, status, created)
	return err
}

// insertOldAccount writes account id the way builds before version 11
// stored accounts (no credit limit), for tests that start from an older
// schema.
func insertOldAccount(ctx context.Context, tx storage.Tx, schema, id string) error {
	q, _ := postgres.SQL(tx)
	_, err := q.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "accounts"}.Sanitize()+`
		(id, type, currency, time_zone, created_at, updated_at, version)
		VALUES ($1, 'prepaid', 'VND', 'Asia/Ho_Chi_Minh', $2, $2, 1)`, id, epoch)
	return err
}

// TestMigrate0004OnTopOf0003 starts from a schema an older build left at
// version 3 holding a pending and a created payment, and checks that
// Migrate applies only version 4, that both payments read back with no
// failure state, and that the worker's sweeps find them.
func TestMigrate0004OnTopOf0003(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	migrateByHand(t, pool, schema, 3)
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		if err := insertOldPayment(ctx, tx, schema, "old", "p-pending", "pending", epoch); err != nil {
			return err
		}
		return insertOldPayment(ctx, tx, schema, "old", "p-created", "created", epoch.Add(time.Minute))
	})

	requireUpgrade(t, pool, schema, 3)

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		p, err := tx.Payments().Get(ctx, "old", "p-created")
		require.NoError(t, err)
		assert.True(t, p.Amount.Equal(vnd(t, 181_000)), "the payment written before 0004 is intact")
		assert.Zero(t, p.Attempts)
		assert.Empty(t, p.LastError)
		assert.True(t, p.RetryAt.IsZero())
		retry, err := tx.Payments().RetryDue(ctx, epoch.Add(5*time.Minute), epoch.Add(4*time.Minute), 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"p-created"}, paymentIDs(retry))
		expire, err := tx.Payments().ExpiryDue(ctx, epoch.Add(16*time.Minute), 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"p-pending", "p-created"}, paymentIDs(expire), "expiring at 15 and 16 minutes")
		return nil
	})
}

func paymentIDs(ps []storage.Payment) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// seedPayments inserts 20,000 settled payments of 100 tenants created
// over the 3 days before at (all long past their expiry, but settled),
// then n more made by open: a SELECT list giving status, created_at and
// expires_at for k = 1…n (the payment's number, in its id "open0001").
func seedPayments(t *testing.T, st *postgres.Store, at time.Time, n int, open string) {
	t.Helper()
	seed(t, st, "payments", fmt.Sprintf(`INSERT INTO %s.payments
		(id, account_id, purpose, purpose_ref, method, status, currency, amount, from_credit, from_gateway, refunded,
		 gateway, gateway_ref, redirect_url, linked_account_id, failure_reason, description, expires_at, created_at, updated_at, version)
		SELECT id, acct, 'order', 'o-' || id, 'gateway', status, 'VND', 181000, 0, 181000, 0,
			'sim', '', '', '', '', '', expires_at, created_at, $1::timestamptz, 1
		FROM (
			SELECT 'p' || lpad(g::text, 6, '0') AS id, 'acct-' || (g %% 100) AS acct, 'succeeded' AS status,
				$1::timestamptz - interval '3 days' + g * interval '1 second' AS created_at,
				$1::timestamptz - interval '3 days' + g * interval '1 second' + interval '30 minutes' AS expires_at
			FROM generate_series(1, 20000) g
			UNION ALL
			SELECT 'open' || lpad(k::text, 4, '0'), 'acct-' || (k %% 100), %s
			FROM generate_series(1, $2::int) k
		) rows`, st.Schema(), open), at, n)
}

// TestExpiryDueReadsOnlyOpenPayments: with 20,000 settled payments and 10
// created or pending ones past their expiry, ExpiryDue's statement is a
// scan of the partial index payments_open_expiry that returns the 10 and
// visits nothing else, for the plan made for the actual time and for the
// generic plan of a prepared statement alike.
func TestExpiryDueReadsOnlyOpenPayments(t *testing.T) {
	st := pgtest.NewStore(t)
	seedPayments(t, st, epoch, 10, `CASE WHEN k % 2 = 0 THEN 'created' ELSE 'pending' END,
		$1::timestamptz - interval '1 hour' + k * interval '1 minute',
		$1::timestamptz - interval '30 minutes' + k * interval '1 minute'`)

	for _, generic := range []bool{false, true} {
		t.Run(fmt.Sprintf("generic plan %v: an index scan of payments_open_expiry returning 10 rows", generic), func(t *testing.T) {
			plan := explain(t, st, generic, postgres.ExpiryDueQuery(st), epochLiteral, "1000")
			if generic {
				assert.Contains(t, plan, "$1", "the plan is generic: the time is a parameter")
			}
			assert.Regexp(t, `Index Scan using payments_open_expiry on \S+ \(actual rows=10 `, plan)
			assert.NotContains(t, plan, "Seq Scan", plan)
			assert.NotContains(t, plan, "Sort", plan, "the index gives ExpiryDue's order")
		})
	}

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		due, err := tx.Payments().ExpiryDue(ctx, epoch, 1000)
		require.NoError(t, err)
		require.Len(t, due, 10)
		for i, p := range due {
			assert.Equal(t, fmt.Sprintf("open%04d", i+1), p.ID, "oldest expiry first")
		}
		return nil
	})
}

// TestRetryDueReadsOnlyCreatedPayments: with 20,000 settled payments,
// 1,000 pending ones in flight and 10 created ones older than the retry
// delay, RetryDue's statement reads the partial index payments_created
// (10 entries) and never the history, for custom and generic plans alike.
// The planner may also read payments_open_expiry (the payments in flight)
// and sort the few rows found, when it deems that cheaper.
func TestRetryDueReadsOnlyCreatedPayments(t *testing.T) {
	st := pgtest.NewStore(t)
	seedPayments(t, st, epoch, 1010, `CASE WHEN k <= 10 THEN 'created' ELSE 'pending' END,
		$1::timestamptz - interval '10 minutes' + k * interval '100 milliseconds',
		$1::timestamptz + interval '20 minutes'`)

	for _, generic := range []bool{false, true} {
		t.Run(fmt.Sprintf("generic plan %v: payments_created read for 10 rows, never the history", generic), func(t *testing.T) {
			plan := explain(t, st, generic, postgres.RetryDueQuery(st), epochLiteral, "'2026-01-15 09:29:00+00'", "1000")
			if generic {
				assert.Contains(t, plan, "$1", "the plan is generic: the times are parameters")
			}
			assert.Regexp(t, `(Index Scan using|Bitmap Index Scan on) payments_created .*\(actual rows=10 `, plan)
			assert.NotContains(t, plan, "Seq Scan", plan)
			assert.NotContains(t, plan, "payments_account_created", plan)
			assert.NotContains(t, plan, "payments_pkey", plan)
		})
	}

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		due, err := tx.Payments().RetryDue(ctx, epoch, epoch.Add(-time.Minute), 1000)
		require.NoError(t, err)
		require.Len(t, due, 10)
		for i, p := range due {
			assert.Equal(t, fmt.Sprintf("open%04d", i+1), p.ID, "oldest first")
		}
		return nil
	})
}
