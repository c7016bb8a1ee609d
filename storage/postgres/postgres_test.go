package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
	"github.com/cloudbill/cloudbill/storage/storagetest"
)

var epoch = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

// errAbandon is what test transactions return to roll back on purpose.
var errAbandon = errors.New("abandoned on purpose")

func account(id string) storage.Account {
	return storage.Account{
		ID: id, Type: storage.Prepaid, Currency: "VND", TimeZone: "Asia/Ho_Chi_Minh",
		CreatedAt: epoch, UpdatedAt: epoch,
	}
}

// inTx runs fn in one transaction and fails the test on error.
func inTx(t *testing.T, s storage.Store, fn func(ctx context.Context, tx storage.Tx) error) {
	t.Helper()
	require.NoError(t, s.InTx(context.Background(), fn))
}

// exists reports whether the account is committed, read in a transaction of
// its own.
func exists(t *testing.T, s storage.Store, id string) bool {
	t.Helper()
	var found bool
	inTx(t, s, func(ctx context.Context, tx storage.Tx) error {
		_, err := tx.Accounts().Get(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	return found
}

func TestConformance(t *testing.T) {
	storagetest.RunWithOptions(t, func(t *testing.T) storage.Store { return pgtest.NewStore(t) },
		storagetest.Options{Parallelism: 32})
}

func TestNestedTransactionIsRejected(t *testing.T) {
	st := pgtest.NewStore(t)
	err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, tx.Accounts().Create(ctx, account("outer")))
		return st.InTx(ctx, func(context.Context, storage.Tx) error { return nil })
	})
	assert.ErrorIs(t, err, storage.ErrNestedTx)
	assert.False(t, exists(t, st, "outer"), "the outer transaction failed with ErrNestedTx and committed nothing")
}

func TestLeakedTxReportsDone(t *testing.T) {
	st := pgtest.NewStore(t)
	var leaked storage.Tx
	inTx(t, st, func(_ context.Context, tx storage.Tx) error { leaked = tx; return nil })
	ctx := context.Background()
	q, ok := postgres.SQL(leaked)
	require.True(t, ok)

	_, err := leaked.Accounts().Get(ctx, "x")
	assert.ErrorIs(t, err, storage.ErrTxDone, "Accounts")
	assert.ErrorIs(t, leaked.Idempotency().Insert(ctx, storage.IdempotencyRecord{AccountID: "a", Key: "k"}), storage.ErrTxDone, "Idempotency")
	_, err = leaked.Audit().List(ctx, "a", 0, 10)
	assert.ErrorIs(t, err, storage.ErrTxDone, "Audit")
	_, err = leaked.Ledger().Append(ctx, storage.LedgerEntry{})
	assert.ErrorIs(t, err, storage.ErrTxDone, "Ledger")
	_, err = leaked.Ledger().Balances(ctx, "a")
	assert.ErrorIs(t, err, storage.ErrTxDone, "Ledger.Balances")
	_, err = leaked.Payments().LookupForUpdate(ctx, "p")
	assert.ErrorIs(t, err, storage.ErrTxDone, "Payments")
	_, err = leaked.Payments().List(ctx, "a", "", 10)
	assert.ErrorIs(t, err, storage.ErrTxDone, "Payments.List")
	assert.ErrorIs(t, leaked.GatewayEvents().Record(ctx, "sim", "e", epoch), storage.ErrTxDone, "GatewayEvents")
	_, err = leaked.LinkedAccounts().List(ctx, "a")
	assert.ErrorIs(t, err, storage.ErrTxDone, "LinkedAccounts")
	assert.ErrorIs(t, leaked.PaymentLinks().Update(ctx, storage.PaymentLink{}), storage.ErrTxDone, "PaymentLinks")
	for name, err := range leakedOrderCalls(ctx, leaked) {
		assert.ErrorIs(t, err, storage.ErrTxDone, name)
	}
	_, err = q.Exec(ctx, "SELECT 1")
	assert.ErrorIs(t, err, storage.ErrTxDone, "Exec")
	_, err = q.Query(ctx, "SELECT 1")
	assert.ErrorIs(t, err, storage.ErrTxDone, "Query")
	assert.ErrorIs(t, q.QueryRow(ctx, "SELECT 1").Scan(new(int)), storage.ErrTxDone, "QueryRow")
}

func TestSQLOnlyForThisPackagesTx(t *testing.T) {
	var other storage.Tx
	_, ok := postgres.SQL(other)
	assert.False(t, ok)
}

func TestHostSQLCommitsWithTheTransaction(t *testing.T) {
	st := pgtest.NewStore(t)
	table := st.Schema() + ".host_notes"
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		_, err := q.Exec(ctx, "CREATE TABLE "+table+" (account_id text PRIMARY KEY, note text NOT NULL)")
		return err
	})
	boom := errors.New("boom")
	err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		require.NoError(t, tx.Accounts().Create(ctx, account("n1")))
		_, err := q.Exec(ctx, "INSERT INTO "+table+" VALUES ($1, $2)", "n1", "rolled back")
		require.NoError(t, err)
		return boom
	})
	require.ErrorIs(t, err, boom)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		require.NoError(t, tx.Accounts().Create(ctx, account("n2")))
		_, err := q.Exec(ctx, "INSERT INTO "+table+" VALUES ($1, $2)", "n2", "kept")
		return err
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		rows, err := q.Query(ctx, "SELECT account_id, note FROM "+table+" ORDER BY account_id")
		require.NoError(t, err)
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, note string
			require.NoError(t, rows.Scan(&id, &note))
			got = append(got, id+"="+note)
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, []string{"n2=kept"}, got)
		return nil
	})
}

// TestErrorsMapBySQLSTATE drives the database's own constraints through host
// SQL, bypassing the repositories' checks in Go, to show that the SQLSTATE
// decides the storage error and the driver's error stays reachable.
func TestErrorsMapBySQLSTATE(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, account("taken")) })
	accounts := st.Schema() + ".accounts"
	insert := "INSERT INTO " + accounts + " (id, type, currency, time_zone, created_at, updated_at, version) VALUES ($1, $2, $3, 'UTC', now(), now(), $4)"
	for _, tc := range []struct {
		name string
		sql  string
		args []any
		want error
		code string
	}{
		{"type credit breaks the CHECK (23514) and is an invalid record", insert, []any{"x", "credit", "USD", 1}, storage.ErrInvalidRecord, "23514"},
		{"version 0 breaks the CHECK (23514) and is an invalid record", insert, []any{"x", "prepaid", "USD", 0}, storage.ErrInvalidRecord, "23514"},
		{"a 129-byte id breaks the CHECK (23514) and is an invalid record", insert, []any{strings.Repeat("i", 129), "prepaid", "USD", 1}, storage.ErrInvalidRecord, "23514"},
		{"currency USDX overflows char(3) (22001) and is an invalid record", insert, []any{"x", "prepaid", "USDX", 1}, storage.ErrInvalidRecord, "22001"},
		{"a NULL type (23502) is an invalid record", insert, []any{"x", nil, "USD", 1}, storage.ErrInvalidRecord, "23502"},
		{"detail that is not JSON (22P02) is an invalid record",
			"INSERT INTO " + st.Schema() + ".audit_records (account_id, actor, action, detail, at) VALUES ('a', 'ops', 'x', $1::text::jsonb, now())",
			[]any{"{not json"}, storage.ErrInvalidRecord, "22P02"},
		{"id taken (23505) is a duplicate", insert, []any{"taken", "prepaid", "USD", 1}, storage.ErrDuplicate, "23505"},
		{"a missing row is not found", "SELECT id FROM " + accounts + " WHERE id = $1", []any{"nobody"}, storage.ErrNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				q, ok := postgres.SQL(tx)
				require.True(t, ok)
				if strings.HasPrefix(tc.sql, "SELECT") {
					var id string
					return q.QueryRow(ctx, tc.sql, tc.args...).Scan(&id)
				}
				_, err := q.Exec(ctx, tc.sql, tc.args...)
				return err
			})
			require.ErrorIs(t, err, tc.want)
			if tc.code != "" {
				var pgErr *pgconn.PgError
				require.ErrorAs(t, err, &pgErr, "the driver's error is kept as the cause")
				assert.Equal(t, tc.code, pgErr.Code)
			}
		})
	}
}

// TestBadInputKeepsTheTransactionUsable: input the repositories reject in Go
// never reaches the database, so it does not abort the transaction and a
// caller may handle the error and carry on.
func TestBadInputKeepsTheTransactionUsable(t *testing.T) {
	st := pgtest.NewStore(t)
	bad := func(mut func(*storage.Account)) storage.Account { a := account("ok"); mut(&a); return a }
	for i, tc := range []struct {
		name string
		run  func(ctx context.Context, tx storage.Tx) error
		want error
	}{
		{"an empty id is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, account(""))
		}, storage.ErrInvalidRecord},
		{"a 129-byte id is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, account(strings.Repeat("i", 129)))
		}, storage.ErrInvalidRecord},
		{"an id with a NUL byte is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, account("a\x00b"))
		}, storage.ErrInvalidRecord},
		{"a time zone that is not UTF-8 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, bad(func(a *storage.Account) { a.TimeZone = "\xff" }))
		}, storage.ErrInvalidRecord},
		{"currency usd in lower case is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, bad(func(a *storage.Account) { a.Currency = "usd" }))
		}, storage.ErrInvalidRecord},
		{"an empty currency is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, bad(func(a *storage.Account) { a.Currency = "" }))
		}, storage.ErrInvalidRecord},
		{"an id that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().GetForUpdate(ctx, "\xff")
			return err
		}, storage.ErrNotFound},
		{"updating a 129-byte id is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().Update(ctx, account(strings.Repeat("i", 129)))
			return err
		}, storage.ErrNotFound},
		{"an idempotency key with a NUL byte is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Idempotency().Insert(ctx, storage.IdempotencyRecord{AccountID: "a", Key: "k\x00", CreatedAt: epoch})
		}, storage.ErrInvalidRecord},
		{"getting an idempotency key that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Idempotency().Get(ctx, "a", "\xfe")
			return err
		}, storage.ErrNotFound},
		{"audit detail that is not JSON is invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Audit().Append(ctx, storage.AuditRecord{AccountID: "a", Action: "x", Detail: []byte("{oops"), At: epoch})
			return err
		}, storage.ErrInvalidRecord},
		{"an audit actor with a NUL byte is invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Audit().Append(ctx, storage.AuditRecord{AccountID: "a", Actor: "\x00", Action: "x", At: epoch})
			return err
		}, storage.ErrInvalidRecord},
		{"an audit limit of -1 is invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Audit().List(ctx, "a", 0, -1)
			return err
		}, storage.ErrInvalidRecord},
		{"a ledger entry with a NUL byte in its memo is invalid", func(ctx context.Context, tx storage.Tx) error {
			e := ledgerEntry(t, "a", "e", 1, "x", "y")
			e.Memo = "a\x00b"
			_, err := tx.Ledger().Append(ctx, e)
			return err
		}, storage.ErrInvalidRecord},
		{"a ledger entry without kind is invalid", func(ctx context.Context, tx storage.Tx) error {
			e := ledgerEntry(t, "a", "e", 1, "x", "y")
			e.Kind = ""
			_, err := tx.Ledger().Append(ctx, e)
			return err
		}, storage.ErrInvalidRecord},
		{"a ledger posting to a ledger account that is not UTF-8 is invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "a", "e", 1, "x", "\xff"))
			return err
		}, storage.ErrInvalidRecord},
		{"a VND ledger entry with credit after in USD is invalid", func(ctx context.Context, tx storage.Tx) error {
			e := ledgerEntry(t, "a", "e", 1, "x", "y")
			e.CreditAfter = amount(t, "1.00 USD")
			_, err := tx.Ledger().Append(ctx, e)
			return err
		}, storage.ErrInvalidRecord},
		{"ledger entries with limit 1001 are invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Entries(ctx, "a", 0, 1001)
			return err
		}, storage.ErrInvalidRecord},
		{"expiring balances with limit 0 are invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Expiring(ctx, epoch, 0)
			return err
		}, storage.ErrInvalidRecord},
		{"a ledger entry id that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Entry(ctx, "a", "\xff")
			return err
		}, storage.ErrNotFound},
		{"a payment of 10 VND with 1.00 USD from the gateway is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, storage.Payment{ID: "p", AccountID: "a", Status: "pending",
				Amount: vnd(t, 10), FromGateway: amount(t, "1.00 USD"), CreatedAt: epoch, UpdatedAt: epoch})
		}, storage.ErrInvalidRecord},
		{"a payment without status is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, storage.Payment{ID: "p", AccountID: "a", CreatedAt: epoch, UpdatedAt: epoch})
		}, storage.ErrInvalidRecord},
		{"a payment with a NUL byte in its description is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, storage.Payment{ID: "p", AccountID: "a", Status: "pending", Description: "\x00"})
		}, storage.ErrInvalidRecord},
		{"a payment id that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Payments().GetForUpdate(ctx, "a", "\xfe")
			return err
		}, storage.ErrNotFound},
		{"a payment list with limit 0 is invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Payments().List(ctx, "a", "", 0)
			return err
		}, storage.ErrInvalidRecord},
		{"payments due for expiry with limit 1001 are invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Payments().ExpiryDue(ctx, epoch, 1001)
			return err
		}, storage.ErrInvalidRecord},
		{"payments due for a retry with limit 0 are invalid", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Payments().RetryDue(ctx, epoch, epoch, 0)
			return err
		}, storage.ErrInvalidRecord},
		{"a gateway event without id is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.GatewayEvents().Record(ctx, "sim", "", epoch)
		}, storage.ErrInvalidRecord},
		{"a gateway event id with a NUL byte is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.GatewayEvents().Record(ctx, "sim", "e\x00", epoch)
		}, storage.ErrInvalidRecord},
		{"a linked account token that is not UTF-8 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.LinkedAccounts().Create(ctx, storage.LinkedAccount{ID: "l", AccountID: "a", Status: "active", Token: "\xff"})
		}, storage.ErrInvalidRecord},
		{"a linked account id that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.LinkedAccounts().LookupForUpdate(ctx, "\xff")
			return err
		}, storage.ErrNotFound},
		{"a payment link without status is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.PaymentLinks().Create(ctx, storage.PaymentLink{Token: "tok", AccountID: "a", Amount: vnd(t, 1)})
		}, storage.ErrInvalidRecord},
		{"a payment link token that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.PaymentLinks().GetForUpdate(ctx, "\xff")
			return err
		}, storage.ErrNotFound},
	} {
		id := fmt.Sprintf("after-%d", i)
		t.Run(tc.name, func(t *testing.T) {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				require.ErrorIs(t, tc.run(ctx, tx), tc.want)
				return tx.Accounts().Create(ctx, account(id))
			})
			assert.True(t, exists(t, st, id), "the transaction went on and committed")
		})
	}
}

// TestLosingAClaimKeepsTheTransactionUsable is the idempotency flow: the loser
// of a claim reads the winner's record in the same transaction.
func TestLosingAClaimKeepsTheTransactionUsable(t *testing.T) {
	st := pgtest.NewStore(t)
	rec := storage.IdempotencyRecord{AccountID: "a", Key: "k", Operation: "account.create", RequestHash: "h1", CreatedAt: epoch}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Idempotency().Insert(ctx, rec); err != nil {
			return err
		}
		return tx.Idempotency().SetResponse(ctx, "a", "k", []byte(`{"id":"acct-1"}`))
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		require.ErrorIs(t, tx.Idempotency().Insert(ctx, rec), storage.ErrDuplicate)
		got, err := tx.Idempotency().Get(ctx, "a", "k")
		require.NoError(t, err)
		assert.JSONEq(t, `{"id":"acct-1"}`, string(got.Response))
		require.NoError(t, tx.Accounts().Create(ctx, account("dup-ok")))
		require.ErrorIs(t, tx.Accounts().Create(ctx, account("dup-ok")), storage.ErrDuplicate)
		_, err = tx.Accounts().Get(ctx, "dup-ok")
		return err
	})
	assert.True(t, exists(t, st, "dup-ok"))
}

func TestTimesComeBackInUTC(t *testing.T) {
	st := pgtest.NewStore(t)
	hcm := time.FixedZone("ICT", 7*60*60)
	a := account("tz")
	a.CreatedAt = time.Date(2026, 3, 1, 7, 0, 0, 123456789, hcm)
	a.UpdatedAt = a.CreatedAt
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, a) })
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.Accounts().Get(ctx, "tz")
		require.NoError(t, err)
		assert.Equal(t, time.UTC, got.CreatedAt.Location())
		assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 123456000, time.UTC), got.CreatedAt, "07:00 ICT is 00:00 UTC, kept to the microsecond")
		return nil
	})
}

func TestCloseLeavesAHostPoolOpen(t *testing.T) {
	pool := pgtest.Pool(t)
	st, err := postgres.New(pool, postgres.Options{Schema: pgtest.NewSchema(t, pool)})
	require.NoError(t, err)
	st.Close()
	require.NoError(t, pool.Ping(context.Background()), "the host's pool is still open")
}

func TestOpenOwnsItsPool(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	pool := pgtest.Pool(t)
	st, err := postgres.Open(ctx, dsn, postgres.Options{Schema: pgtest.NewSchema(t, pool)})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, account("o")) })
	st.Close()
	err = st.InTx(ctx, func(context.Context, storage.Tx) error { return nil })
	assert.Error(t, err, "the store's own pool is closed")
}

func TestOpenRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		dsn  string
		opts postgres.Options
	}{
		{"a DSN that is not a URL fails to parse", "postgres://[::1", postgres.Options{}},
		{"an unknown DSN setting fails to parse", "postgres://127.0.0.1/x?pool_max_conns=many", postgres.Options{}},
		{"a server that is not listening fails to connect", "postgres://postgres@127.0.0.1:1/test?connect_timeout=2", postgres.Options{}},
		{"schema Billing is rejected before connecting", "postgres://127.0.0.1:1/x", postgres.Options{Schema: "Billing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := postgres.Open(ctx, tc.dsn, tc.opts)
			require.Error(t, err)
			assert.Nil(t, st)
		})
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	_, err := postgres.New(nil, postgres.Options{})
	assert.ErrorIs(t, err, postgres.ErrNoPool)
	assert.ErrorIs(t, postgres.Migrate(context.Background(), nil, ""), postgres.ErrNoPool)

	// The pool connects lazily, so New can be checked without a server.
	pool, err := pgxpool.New(context.Background(), "postgres://127.0.0.1:1/x")
	require.NoError(t, err)
	defer pool.Close()
	_, err = postgres.New(pool, postgres.Options{Schema: "pg_billing"})
	var nameErr *postgres.SchemaNameError
	require.ErrorAs(t, err, &nameErr)
	assert.Equal(t, "pg_billing", nameErr.Name)
	st, err := postgres.New(pool, postgres.Options{})
	require.NoError(t, err)
	assert.Equal(t, "cloudbill", st.Schema(), "an empty schema means the default")
	var migErr *postgres.SchemaNameError
	assert.ErrorAs(t, postgres.Migrate(context.Background(), pool, "a-b"), &migErr, "Migrate checks the name too")
}
