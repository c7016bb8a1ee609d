package postgres_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// tripCounter counts round trips: a statement sent alone or a batch.
type tripCounter struct{ trips atomic.Int64 }

func (c *tripCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.trips.Add(1)
	return ctx
}
func (c *tripCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *tripCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.trips.Add(1)
	return ctx
}
func (c *tripCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *tripCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// TestEveryReadKindIsAnsweredAhead: each kind of storage.Read is sent as
// exactly the statement its repository method sends, so that a
// transaction naming all eight as its last reads, then making them, costs
// one round trip — BEGIN, the eight reads and its end — and the two
// missing records among them are still ErrNotFound. A Read that drifted
// from its method would cost a round trip of its own here.
func TestEveryReadKindIsAnsweredAhead(t *testing.T) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(pgtest.DSN(t))
	require.NoError(t, err)
	counter := &tripCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := postgres.New(pool, postgres.Options{Schema: pgtest.NewSchema(t, pool)})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return tx.Accounts().Create(ctx, storage.Account{ID: "a", Type: storage.Prepaid, Currency: "VND", TimeZone: "UTC"})
	}))

	before := counter.trips.Load()
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		storage.ReadAhead(storage.LastReads(ctx), tx,
			storage.ReadAccount("a", true), storage.ReadAccount("a", false),
			storage.ReadOrder("a", "o1", true), storage.ReadOrder("a", "o1", false),
			storage.ReadInvoiceForUpdate("a", "i1"), storage.ReadPayment("a", "p1"),
			storage.ReadBalances("a"), storage.ReadResourcesByOrder("a", "o1"))
		if _, err := tx.Accounts().GetForUpdate(ctx, "a"); err != nil {
			return err
		}
		if _, err := tx.Accounts().Get(ctx, "a"); err != nil {
			return err
		}
		_, err := tx.Orders().GetForUpdate(ctx, "a", "o1")
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = tx.Orders().Get(ctx, "a", "o1")
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = tx.Invoices().GetForUpdate(ctx, "a", "i1")
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = tx.Payments().Get(ctx, "a", "p1")
		require.ErrorIs(t, err, storage.ErrNotFound)
		if _, err := tx.Ledger().Balances(ctx, "a"); err != nil {
			return err
		}
		_, err = tx.Resources().ListByOrder(ctx, "a", "o1")
		return err
	}))
	require.Equal(t, int64(1), counter.trips.Load()-before, "round trips of a transaction whose eight reads were named ahead")
}
