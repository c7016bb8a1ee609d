package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

func draftInvoice(t testing.TB, acct, id, resource string) storage.Invoice {
	return storage.Invoice{Invoice: invoice.Invoice{ID: id, AccountID: acct, ResourceID: resource, Kind: invoice.KindInvoice,
		Status: invoice.StatusDraft, Currency: "VND", Total: vnd(t, 181_000), CreatedAt: epoch,
		Lines: []invoice.Line{{Description: "vServer", Amount: vnd(t, 181_000), Total: vnd(t, 181_000)}}},
		OrderID: "o1", UpdatedAt: epoch}
}

// TestInvoiceNumbersUnderConcurrency: 32 transactions allocate numbers
// from two series at once, issue an invoice with each, and two of every
// eight roll back after allocating. The committed numbers of each series are
// exactly 1…12 (gapless: a rolled-back number is handed out again), each on
// one invoice (unique).
func TestInvoiceNumbersUnderConcurrency(t *testing.T) {
	st := pgtest.NewStore(t)
	const n = 32
	series := [2]string{"INV-2026", "CN-2026"}
	var (
		mu        sync.Mutex
		committed = map[string][]int64{}
		wg        sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			s := series[i%2]
			var num int64
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				var err error
				if num, err = tx.Invoices().NextNumber(ctx, s); err != nil {
					return err
				}
				inv := draftInvoice(t, "a", fmt.Sprintf("inv-%d", i), "r1")
				inv.Status, inv.Series, inv.Number, inv.IssuedAt = "paid", s, num, epoch
				if err := tx.Invoices().Create(ctx, inv); err != nil {
					return err
				}
				if i%8 >= 6 { // two of every eight: 4 per series
					return errAbandon
				}
				return nil
			})
			if errors.Is(err, errAbandon) {
				return
			}
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			committed[s] = append(committed[s], num)
			mu.Unlock()
		})
	}
	wg.Wait()

	for _, s := range series {
		got := committed[s]
		slices.Sort(got)
		want := make([]int64, 12) // 16 allocations per series, 4 rolled back
		for k := range want {
			want[k] = int64(k + 1)
		}
		assert.Equal(t, want, got, "series %s: 12 committed allocations are numbered 1–12", s)
	}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		all, err := tx.Invoices().List(ctx, "a", "", "", 1000)
		require.NoError(t, err)
		require.Len(t, all, 24, "the rolled-back invoices are gone")
		seen := map[string]bool{}
		for _, inv := range all {
			key := fmt.Sprintf("%s/%d", inv.Series, inv.Number)
			assert.False(t, seen[key], "%s is on one invoice", key)
			seen[key] = true
		}
		next, err := tx.Invoices().NextNumber(ctx, "INV-2026")
		require.NoError(t, err)
		assert.Equal(t, int64(13), next)
		return nil
	})
}

// TestATakenInvoiceNumberIsADuplicate: creating or updating an invoice to a
// (Series, Number) another invoice holds is ErrDuplicate and leaves the
// transaction usable; drafts (no series) never conflict.
func TestATakenInvoiceNumberIsADuplicate(t *testing.T) {
	st := pgtest.NewStore(t)
	issued := draftInvoice(t, "a", "i1", "r1")
	issued.Status, issued.Series, issued.Number, issued.IssuedAt = "paid", "INV-2026", 7, epoch
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, tx.Invoices().Create(ctx, issued))
		require.NoError(t, tx.Invoices().Create(ctx, draftInvoice(t, "a", "draft-1", "r1")))
		return tx.Invoices().Create(ctx, draftInvoice(t, "b", "draft-2", "r9"))
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		again := issued
		again.ID = "i2"
		require.ErrorIs(t, tx.Invoices().Create(ctx, again), storage.ErrDuplicate, "INV-2026/7 on a new invoice")
		otherTenant := again
		otherTenant.AccountID = "b"
		require.ErrorIs(t, tx.Invoices().Create(ctx, otherTenant), storage.ErrDuplicate, "numbers are unique across tenants")
		require.ErrorIs(t, tx.Invoices().Create(ctx, draftInvoice(t, "a", "i1", "r1")), storage.ErrDuplicate, "id i1 again")

		d, err := tx.Invoices().GetForUpdate(ctx, "a", "draft-1")
		require.NoError(t, err)
		d.Series, d.Number = "INV-2026", 7
		require.ErrorIs(t, tx.Invoices().Update(ctx, d), storage.ErrDuplicate, "updating a draft to INV-2026/7")
		d.Number = 8
		require.NoError(t, tx.Invoices().Update(ctx, d), "INV-2026/8 is free")
		same, err := tx.Invoices().Get(ctx, "a", "i1")
		require.NoError(t, err)
		same.Status = "void"
		require.NoError(t, tx.Invoices().Update(ctx, same), "an invoice keeps its own number")
		d2, err := tx.Invoices().Get(ctx, "b", "draft-2")
		require.NoError(t, err)
		d2.ID = "missing"
		d2.Series, d2.Number = "INV-2026", 7
		require.ErrorIs(t, tx.Invoices().Update(ctx, d2), storage.ErrNotFound, "a missing invoice is not found before its number is checked")
		return nil
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		d, err := tx.Invoices().Get(ctx, "a", "draft-1")
		require.NoError(t, err)
		assert.Equal(t, "INV-2026", d.Series)
		assert.Equal(t, int64(8), d.Number)
		i1, err := tx.Invoices().Get(ctx, "a", "i1")
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusVoid, i1.Status)
		assert.Equal(t, int64(7), i1.Number)
		return nil
	})
}

// TestInvoiceCursors: pages run newest first; a cursor is any of the
// tenant's invoices, even of another resource than the filter; an unknown
// cursor, or another tenant's, is ErrNotFound.
func TestInvoiceCursors(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for i, res := range []string{"r1", "r2", "r1", "r2", "r1"} {
			if err := tx.Invoices().Create(ctx, draftInvoice(t, "a", fmt.Sprintf("i%d", i), res)); err != nil {
				return err
			}
		}
		return tx.Invoices().Create(ctx, draftInvoice(t, "b", "other", "r1"))
	})
	ids := func(invs []storage.Invoice) []string {
		out := []string{}
		for _, inv := range invs {
			out = append(out, inv.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name                   string
		acct, resource, cursor string
		limit                  int
		want                   []string
		wantErr                error
	}{
		{"the first page of 2 is i4, i3", "a", "", "", 2, []string{"i4", "i3"}, nil},
		{"after i3 come i2, i1", "a", "", "i3", 2, []string{"i2", "i1"}, nil},
		{"after i0 the list ends", "a", "", "i0", 2, []string{}, nil},
		{"r1's invoices are i4, i2, i0", "a", "r1", "", 10, []string{"i4", "i2", "i0"}, nil},
		{"r1's invoices after i3 (an r2 invoice) are i2, i0", "a", "r1", "i3", 10, []string{"i2", "i0"}, nil},
		{"r3 has no invoices", "a", "r3", "", 10, []string{}, nil},
		{"r3 after i3 is empty", "a", "r3", "i3", 10, []string{}, nil},
		{"an unknown cursor is not found", "a", "", "nope", 10, nil, storage.ErrNotFound},
		{"an unknown cursor with a filter is not found", "a", "r3", "nope", 10, nil, storage.ErrNotFound},
		{"another tenant's invoice is not a cursor", "a", "", "other", 10, nil, storage.ErrNotFound},
		{"a cursor that is not UTF-8 is not found", "a", "", "\xff", 10, nil, storage.ErrNotFound},
		{"a resource filter that is not UTF-8 matches nothing", "a", "\xff", "i3", 10, []string{}, nil},
		{"a limit of 1001 is invalid", "a", "", "", 1001, nil, storage.ErrInvalidRecord},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				got, err := tx.Invoices().List(ctx, tc.acct, tc.resource, tc.cursor, tc.limit)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					return nil
				}
				require.NoError(t, err)
				assert.Equal(t, tc.want, ids(got))
				return nil
			})
		})
	}
}
