package storagetest

import (
	"context"
	"fmt"
	"github.com/cloudbill/cloudbill/billing/money"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

func (s suite) testAccounts(t *testing.T) {
	t.Run("create then get returns the same account at version 1", func(t *testing.T) {
		st := s.newStore(t)
		want := newAccount("acct-1")
		want.Currency, want.TimeZone = "USD", "America/New_York"
		want.CreditLimit = mustAmount("1000.00", "USD")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, want) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Accounts().Get(ctx, "acct-1")
			require.NoError(t, err)
			want.Version = 1
			assert.True(t, got.CreatedAt.Equal(want.CreatedAt))
			got.CreatedAt, got.UpdatedAt = want.CreatedAt, want.UpdatedAt
			assert.Empty(t, cmp.Diff(want, got))
			return nil
		})
	})

	t.Run("creating an existing id is a duplicate and changes nothing", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("dup")) })
		other := newAccount("dup")
		other.Currency = "USD"
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, other)
		})
		require.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().Get(ctx, "dup")
			require.NoError(t, err)
			assert.Equal(t, "VND", a.Currency)
			return nil
		})
	})

	t.Run("bad records are rejected", func(t *testing.T) {
		st := s.newStore(t)
		for name, a := range map[string]storage.Account{
			"empty id":     newAccount(""),
			"unknown type": func() storage.Account { a := newAccount("x"); a.Type = "credit"; return a }(),
			"a negative credit limit": func() storage.Account {
				a := newAccount("x")
				a.CreditLimit = mustAmount("-1", "VND")
				return a
			}(),
			"a credit limit in another currency": func() storage.Account {
				a := newAccount("x")
				a.CreditLimit = mustAmount("10", "USD")
				return a
			}(),
			"a negative discount rate": func() storage.Account {
				a := newAccount("x")
				a.DiscountRate = decimal.RequireFromString("-0.1")
				return a
			}(),
			"a discount rate above 1": func() storage.Account {
				a := newAccount("x")
				a.DiscountRate = decimal.RequireFromString("1.01")
				return a
			}(),
			"a discount rate with 11 places": func() storage.Account {
				a := newAccount("x")
				a.DiscountRate = decimal.RequireFromString("0.12345678901")
				return a
			}(),
			"legal details without a name": func() storage.Account {
				a := newAccount("x")
				a.Legal = invoice.Party{TaxCode: "0312345678"}
				return a
			}(),
			"legal details with a NUL byte": func() storage.Account {
				a := newAccount("x")
				a.Legal = invoice.Party{Name: "An\x00Bình"}
				return a
			}(),
		} {
			t.Run(name, func(t *testing.T) {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					return tx.Accounts().Create(ctx, a)
				})
				assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			})
		}
	})

	t.Run("a credit limit is set, changed and removed by Update", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("lim")) })
		for _, limit := range []money.Amount{mustAmount("5000000", "VND"), mustAmount("250000", "VND"), {}} {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().GetForUpdate(ctx, "lim")
				require.NoError(t, err)
				a.CreditLimit = limit
				_, err = tx.Accounts().Update(ctx, a)
				return err
			})
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().Get(ctx, "lim")
				require.NoError(t, err)
				assert.True(t, a.CreditLimit.Equal(limit) && a.CreditLimit.Currency() == limit.Currency(), "limit %s, want %s", a.CreditLimit, limit)
				return nil
			})
		}
	})

	t.Run("a discount rate is set, changed and removed by Update", func(t *testing.T) {
		st := s.newStore(t)
		want := newAccount("disc")
		want.DiscountRate = decimal.RequireFromString("0.1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, want) })
		for _, rate := range []string{"0.1", "0.125", "1", "0.0000000001", "0"} {
			if rate != "0.1" {
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					a, err := tx.Accounts().GetForUpdate(ctx, "disc")
					require.NoError(t, err)
					a.DiscountRate = decimal.RequireFromString(rate)
					_, err = tx.Accounts().Update(ctx, a)
					return err
				})
			}
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().Get(ctx, "disc")
				require.NoError(t, err)
				assert.True(t, a.DiscountRate.Equal(decimal.RequireFromString(rate)), "rate %s, want %s", a.DiscountRate, rate)
				return nil
			})
		}
	})

	t.Run("legal details are set, changed and removed by Update", func(t *testing.T) {
		st := s.newStore(t)
		want := newAccount("legal")
		want.Legal = invoice.Party{Name: "Công ty TNHH An Bình", TaxCode: "0312345678-001", Address: "12 Nguyễn Huệ\nTP. Hồ Chí Minh",
			Email: "ketoan@example.com", BuyerName: "Nguyễn Văn An"}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, want) })
		for i, legal := range []invoice.Party{want.Legal, {Name: "Trần Thị Bình", Phone: "+84 90 000 0000"}, {}} {
			if i > 0 {
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					a, err := tx.Accounts().GetForUpdate(ctx, "legal")
					require.NoError(t, err)
					a.Legal = legal
					_, err = tx.Accounts().Update(ctx, a)
					return err
				})
			}
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().Get(ctx, "legal")
				require.NoError(t, err)
				assert.Equal(t, legal, a.Legal)
				many, err := tx.Accounts().GetManyForUpdate(ctx, []string{"legal"})
				require.NoError(t, err)
				assert.Equal(t, legal, many[0].Legal)
				return nil
			})
		}
	})

	t.Run("unknown ids are not found", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().Get(ctx, "nope")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Accounts().GetForUpdate(ctx, "nope")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Accounts().Update(ctx, newAccount("nope"))
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
	})

	t.Run("update bumps the version and keeps CreatedAt", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("u")) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().GetForUpdate(ctx, "u")
			require.NoError(t, err)
			a.Type = storage.Postpaid
			a.CreatedAt = epoch().Add(time.Hour)
			a.UpdatedAt = epoch().Add(2 * time.Hour)
			got, err := tx.Accounts().Update(ctx, a)
			require.NoError(t, err)
			assert.Equal(t, int64(2), got.Version)
			assert.True(t, got.CreatedAt.Equal(epoch()), "CreatedAt kept")
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().Get(ctx, "u")
			require.NoError(t, err)
			assert.Equal(t, storage.Postpaid, a.Type)
			assert.Equal(t, int64(2), a.Version)
			assert.True(t, a.UpdatedAt.Equal(epoch().Add(2*time.Hour)))
			return nil
		})
	})

	t.Run("concurrent read-modify-write cycles are never lost", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("hot")) })
		n := s.opts.Parallelism
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					a, err := tx.Accounts().GetForUpdate(ctx, "hot")
					if err != nil {
						return err
					}
					// The time zone carries a counter so that a lost update
					// shows up as a wrong final value, not only a version.
					var c int
					if _, err := fmt.Sscanf(a.TimeZone, "n=%d", &c); err != nil {
						c = 0
					}
					a.TimeZone = fmt.Sprintf("n=%d", c+1)
					a.UpdatedAt = epoch().Add(time.Duration(i) * time.Second)
					_, err = tx.Accounts().Update(ctx, a)
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().Get(ctx, "hot")
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("n=%d", n), a.TimeZone)
			assert.Equal(t, int64(n+1), a.Version)
			return nil
		})
	})

	s.testAccountTaxTreatment(t)
}

// mustAmount is the amount s in currency, for test fixtures.
func mustAmount(s, currency string) money.Amount {
	a, err := money.New(s, currency)
	if err != nil {
		panic(err)
	}
	return a
}
