package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

func resource(acct, id string, due time.Time) storage.Resource {
	return storage.Resource{ID: id, AccountID: acct, OrderID: "o1", ProductID: "vserver", Status: lifecycle.StateActive,
		PeriodStart: epoch, PeriodEnd: epoch.AddDate(0, 1, 0), NextDueAt: due,
		ResourceDetail: storage.ResourceDetail{Configuration: pricing.Configuration{Plan: "s2"}},
		CreatedAt:      epoch, UpdatedAt: epoch}
}

// TestResourceUpdatesAreNeverLost: 32 transactions each lock one resource,
// read a counter from its detail and write it back plus one. The counter ends
// at 32 and the version at 33 (created, then 32 updates).
func TestResourceUpdatesAreNeverLost(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		return tx.Resources().Create(ctx, resource("a", "r1", time.Time{}))
	})
	const n = 32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			assert.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				r, err := tx.Resources().GetForUpdate(ctx, "a", "r1")
				if err != nil {
					return err
				}
				r.NextReminder++
				_, err = tx.Resources().Update(ctx, r)
				return err
			}))
		})
	}
	wg.Wait()
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		r, err := tx.Resources().Get(ctx, "a", "r1")
		require.NoError(t, err)
		assert.Equal(t, 32, r.NextReminder)
		assert.Equal(t, int64(33), r.Version)
		return nil
	})
}

// TestResourceUpdateReturnsTheStoredRow: Update keeps CreatedAt and the
// tenant whatever the caller sends, takes Version from the database, not
// from the caller's copy, and clears NextDueAt to NULL.
func TestResourceUpdateReturnsTheStoredRow(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		return tx.Resources().Create(ctx, resource("a", "r1", epoch))
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		r, err := tx.Resources().GetForUpdate(ctx, "a", "r1")
		require.NoError(t, err)
		r.CreatedAt, r.Version, r.NextDueAt, r.Status = epoch.Add(48*time.Hour), 99, time.Time{}, lifecycle.StateSuspended
		r.UpdatedAt = epoch.Add(time.Hour)
		got, err := tx.Resources().Update(ctx, r)
		require.NoError(t, err)
		assertSameRecord(t, storage.Resource{ID: "r1", AccountID: "a", OrderID: "o1", ProductID: "vserver", Status: lifecycle.StateSuspended,
			PeriodStart: epoch, PeriodEnd: epoch.AddDate(0, 1, 0), ResourceDetail: storage.ResourceDetail{Configuration: pricing.Configuration{Plan: "s2"}},
			CreatedAt: epoch, UpdatedAt: epoch.Add(time.Hour), Version: 2}, got)
		return nil
	})
	assert.Equal(t, []bool{true}, nulls(t, st, "resources", "id = 'r1'", "next_due_at"), "no longer scheduled: out of resources_due")
}

// TestResourceCursors: pages run in creation order; an unknown cursor, or
// another tenant's resource, is ErrNotFound.
func TestResourceCursors(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		// Ids in reverse byte order: creation order is not id order.
		for _, id := range []string{"r9", "r5", "r1"} {
			if err := tx.Resources().Create(ctx, resource("a", id, time.Time{})); err != nil {
				return err
			}
		}
		return tx.Resources().Create(ctx, resource("b", "rb", time.Time{}))
	})
	for _, tc := range []struct {
		name    string
		acct    string
		cursor  string
		want    []string
		wantErr error
	}{
		{"the first page is r9, r5, r1 in creation order", "a", "", []string{"r9", "r5", "r1"}, nil},
		{"after r5 comes r1", "a", "r5", []string{"r1"}, nil},
		{"after r1 the list ends", "a", "r1", []string{}, nil},
		{"an unknown cursor is not found", "a", "r2", nil, storage.ErrNotFound},
		{"another tenant's resource is not a cursor", "a", "rb", nil, storage.ErrNotFound},
		{"a tenant without resources has an empty first page", "c", "", []string{}, nil},
		{"a cursor with a NUL byte is not found", "a", "r\x00", nil, storage.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				got, err := tx.Resources().List(ctx, tc.acct, tc.cursor, 10)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
					return nil
				}
				require.NoError(t, err)
				ids := []string{}
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				assert.Equal(t, tc.want, ids)
				return nil
			})
		})
	}
}

// TestNewRecordsRoundTripExactly: a resource with nothing in its detail
// comes back with nothing in it; the zero Amount and the zero time are NULL
// and come back as zero values; a 3-decimal KWD total keeps its digits; times come back in UTC.
func TestNewRecordsRoundTripExactly(t *testing.T) {
	st := pgtest.NewStore(t)
	kwd := amount(t, "12.345 KWD")
	ict := time.FixedZone("ICT", 7*60*60)
	bare := storage.Resource{ID: "bare", AccountID: "a", Status: lifecycle.StateProvisioning,
		CreatedAt: epoch.In(ict), UpdatedAt: epoch}
	pending := storage.Order{ID: "o1", AccountID: "a", Status: order.StatusPending, Total: kwd, CreatedAt: epoch, UpdatedAt: epoch}
	free := storage.Order{ID: "o2", AccountID: "a", Status: order.StatusCompleted, CreatedAt: epoch, UpdatedAt: epoch}
	draft := storage.Invoice{Invoice: invoice.Invoice{ID: "d1", AccountID: "a", Kind: invoice.KindInvoice, Status: invoice.StatusDraft,
		CreatedAt: epoch}, UpdatedAt: epoch}
	redemption := storage.Redemption{ID: "rd1", Code: "C", AccountID: "a", OrderID: "o1", Status: "reserved", Amount: kwd,
		CreatedAt: epoch, UpdatedAt: epoch}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, tx.Resources().Create(ctx, bare))
		require.NoError(t, tx.Orders().Create(ctx, pending))
		require.NoError(t, tx.Orders().Create(ctx, free))
		require.NoError(t, tx.Invoices().Create(ctx, draft))
		return tx.Redemptions().Create(ctx, redemption)
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		r, err := tx.Resources().Get(ctx, "a", "bare")
		require.NoError(t, err)
		bare.CreatedAt, bare.Version = epoch, 1
		assertSameRecord(t, bare, r) // empty detail, zero periods, CreatedAt in UTC
		o, err := tx.Orders().Get(ctx, "a", "o1")
		require.NoError(t, err)
		assert.Equal(t, "12.345 KWD", o.Total.String())
		assert.Nil(t, o.Items, "no items come back as none")
		o2, err := tx.Orders().Get(ctx, "a", "o2")
		require.NoError(t, err)
		assert.True(t, o2.Total.Currency().IsZero(), "the zero Amount comes back")
		d, err := tx.Invoices().Get(ctx, "a", "d1")
		require.NoError(t, err)
		assert.Equal(t, draft, d)
		rds, err := tx.Redemptions().ListByOrder(ctx, "a", "o1")
		require.NoError(t, err)
		require.Len(t, rds, 1)
		assert.Equal(t, "12.345 KWD", rds[0].Amount.String())
		return nil
	})
	assert.Equal(t, []bool{true, true, true}, nulls(t, st, "resources", "id = 'bare'", "period_start", "period_end", "next_due_at"))
	assert.Equal(t, []bool{true, true}, nulls(t, st, "orders", "id = 'o2'", "currency", "total"))
	assert.Equal(t, []bool{true, true, true, true}, nulls(t, st, "invoices", "id = 'd1'", "series", "number", "issued_at", "total"))
}

// TestOutboxStoresDeliveryStateOnly: Update writes attempts, next attempt,
// last error and delivery time, and nothing else of the event.
func TestOutboxStoresDeliveryStateOnly(t *testing.T) {
	st := pgtest.NewStore(t)
	var seq int64
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		e, err := tx.Outbox().Append(ctx, storage.Event{ID: "e1", AccountID: "a", Stream: "r1", Kind: "resource.provision",
			Payload: []byte(`{"v":1}`), CreatedAt: epoch})
		seq = e.Seq
		return err
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		e, err := tx.Outbox().GetForUpdate(ctx, seq)
		require.NoError(t, err)
		assert.True(t, e.NextAttemptAt.IsZero(), "no next attempt: deliverable at once")
		e.Kind, e.Payload, e.Stream, e.AccountID = "changed", []byte(`{"v":2}`), "r2", "b"
		e.Attempts, e.LastError, e.NextAttemptAt = 3, "host returned 503", epoch.Add(40*time.Second)
		return tx.Outbox().Update(ctx, e)
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		e, err := tx.Outbox().GetForUpdate(ctx, seq)
		require.NoError(t, err)
		assert.Equal(t, storage.Event{Seq: seq, ID: "e1", AccountID: "a", Stream: "r1", Kind: "resource.provision",
			Payload: []byte(`{"v":1}`), Attempts: 3, NextAttemptAt: epoch.Add(40 * time.Second), LastError: "host returned 503",
			CreatedAt: epoch}, e)
		none, err := tx.Outbox().Deliverable(ctx, epoch.Add(39*time.Second), 10)
		require.NoError(t, err)
		assert.Empty(t, none, "backing off until 40s")
		_, err = tx.Outbox().GetForUpdate(ctx, -1)
		assert.ErrorIs(t, err, storage.ErrNotFound)
		assert.ErrorIs(t, tx.Outbox().Update(ctx, storage.Event{Seq: seq + 1}), storage.ErrNotFound)
		return nil
	})
}

// assertSameRecord fails t unless got is want field for field: amounts,
// decimals and times compare by value, and none is the same as empty.
func assertSameRecord(t testing.TB, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b money.Currency) bool { return a == b })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
