package postgres_test

import (
	"context"
	"fmt"
	"iter"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// leakedOrderCalls calls every method of the coupon, redemption, order,
// resource, invoice, action and outbox repositories of tx and yields each
// one's error by name.
func leakedOrderCalls(ctx context.Context, tx storage.Tx) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		calls := []struct {
			name string
			err  error
		}{
			{"Coupons.Create", tx.Coupons().Create(ctx, storage.CouponRecord{Code: "C"})},
			{"Coupons.Get", second(tx.Coupons().Get(ctx, "C"))},
			{"Coupons.GetForUpdate", second(tx.Coupons().GetForUpdate(ctx, "C"))},
			{"Coupons.Update", tx.Coupons().Update(ctx, storage.CouponRecord{Code: "C"})},
			{"Redemptions.Create", tx.Redemptions().Create(ctx, storage.Redemption{})},
			{"Redemptions.Update", tx.Redemptions().Update(ctx, storage.Redemption{})},
			{"Redemptions.ListByOrder", second(tx.Redemptions().ListByOrder(ctx, "a", "o"))},
			{"Redemptions.Count", third(tx.Redemptions().Count(ctx, "C", "a"))},
			{"Orders.Create", tx.Orders().Create(ctx, storage.Order{})},
			{"Orders.Get", second(tx.Orders().Get(ctx, "a", "o"))},
			{"Orders.GetForUpdate", second(tx.Orders().GetForUpdate(ctx, "a", "o"))},
			{"Orders.Update", tx.Orders().Update(ctx, storage.Order{})},
			{"Orders.CountByAccount", second(tx.Orders().CountByAccount(ctx, "a"))},
			{"Resources.Create", tx.Resources().Create(ctx, storage.Resource{})},
			{"Resources.Get", second(tx.Resources().Get(ctx, "a", "r"))},
			{"Resources.GetForUpdate", second(tx.Resources().GetForUpdate(ctx, "a", "r"))},
			{"Resources.Update", second(tx.Resources().Update(ctx, storage.Resource{}))},
			{"Resources.List", second(tx.Resources().List(ctx, "a", "", 10))},
			{"Resources.ListByOrder", second(tx.Resources().ListByOrder(ctx, "a", "o"))},
			{"Resources.Due", second(tx.Resources().Due(ctx, epoch, 10))},
			{"Invoices.Create", tx.Invoices().Create(ctx, storage.Invoice{})},
			{"Invoices.Get", second(tx.Invoices().Get(ctx, "a", "i"))},
			{"Invoices.GetForUpdate", second(tx.Invoices().GetForUpdate(ctx, "a", "i"))},
			{"Invoices.Update", tx.Invoices().Update(ctx, storage.Invoice{})},
			{"Invoices.List", second(tx.Invoices().List(ctx, "a", "", "", 10))},
			{"Invoices.NextNumber", second(tx.Invoices().NextNumber(ctx, "INV"))},
			{"Actions.Append", second(tx.Actions().Append(ctx, storage.Action{}))},
			{"Actions.List", second(tx.Actions().List(ctx, "a", "", 0, 10))},
			{"Outbox.Append", second(tx.Outbox().Append(ctx, storage.Event{}))},
			{"Outbox.Deliverable", second(tx.Outbox().Deliverable(ctx, epoch, 10))},
			{"Outbox.GetForUpdate", second(tx.Outbox().GetForUpdate(ctx, 1))},
			{"Outbox.Update", tx.Outbox().Update(ctx, storage.Event{Seq: 1})},
			{"Outbox.List", second(tx.Outbox().List(ctx, "a", 0, 10))},
		}
		for _, c := range calls {
			if !yield(c.name, c.err) {
				return
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }

func third[A, B any](_ A, _ B, err error) error { return err }

// TestBadOrderInputKeepsTheTransactionUsable: input the new repositories
// reject in Go never reaches the database, so the transaction goes on and
// commits, as with the in-memory store.
func TestBadOrderInputKeepsTheTransactionUsable(t *testing.T) {
	st := pgtest.NewStore(t)
	seedOrders(t, st)
	usd := amount(t, "1.00 USD")
	for i, tc := range []struct {
		name string
		run  func(ctx context.Context, tx storage.Tx) error
		want error
	}{
		{"a coupon without code is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Coupons().Create(ctx, storage.CouponRecord{})
		}, storage.ErrInvalidRecord},
		{"a coupon code that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Coupons().GetForUpdate(ctx, "\xff"))
		}, storage.ErrNotFound},
		{"a redemption with status pending is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Redemptions().Create(ctx, storage.Redemption{ID: "r", Code: "C", AccountID: "a", Status: "pending", Amount: usd})
		}, storage.ErrInvalidRecord},
		{"a redemption without code is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Redemptions().Create(ctx, storage.Redemption{ID: "r", AccountID: "a", Status: "reserved"})
		}, storage.ErrInvalidRecord},
		{"a redemption with a NUL byte in its order id is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Redemptions().Create(ctx, storage.Redemption{ID: "r", Code: "C", AccountID: "a", OrderID: "\x00", Status: "reserved"})
		}, storage.ErrInvalidRecord},
		{"updating a redemption to status used is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Redemptions().Update(ctx, storage.Redemption{ID: "r", Code: "C", AccountID: "a", Status: "used"})
		}, storage.ErrInvalidRecord},
		{"an order without status is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Orders().Create(ctx, storage.Order{ID: "o", AccountID: "a"})
		}, storage.ErrInvalidRecord},
		{"an order with a payment id that is not UTF-8 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Orders().Create(ctx, storage.Order{ID: "o", AccountID: "a", Status: "paid", PaymentID: "\xfe"})
		}, storage.ErrInvalidRecord},
		{"another tenant's order is not found", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Orders().Get(ctx, "b", "seed-order"))
		}, storage.ErrNotFound},
		{"updating another tenant's order is not found", func(ctx context.Context, tx storage.Tx) error {
			return tx.Orders().Update(ctx, storage.Order{ID: "seed-order", AccountID: "b", Status: "paid"})
		}, storage.ErrNotFound},
		{"a resource without account is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Resources().Create(ctx, storage.Resource{ID: "r", Status: "active"})
		}, storage.ErrInvalidRecord},
		{"updating a resource to an empty status is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Resources().Update(ctx, storage.Resource{ID: "seed-resource", AccountID: "a"}))
		}, storage.ErrInvalidRecord},
		{"updating another tenant's resource is not found", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Resources().Update(ctx, storage.Resource{ID: "seed-resource", AccountID: "b", Status: "active"}))
		}, storage.ErrNotFound},
		{"a resource id that is not UTF-8 is not found", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Resources().GetForUpdate(ctx, "a", "\xff"))
		}, storage.ErrNotFound},
		{"due resources with limit 0 are invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Resources().Due(ctx, epoch, 0))
		}, storage.ErrInvalidRecord},
		{"a resource list with limit 1001 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Resources().List(ctx, "a", "", 1001))
		}, storage.ErrInvalidRecord},
		{"a resource id taken by another tenant is a duplicate", func(ctx context.Context, tx storage.Tx) error {
			return tx.Resources().Create(ctx, resource("b", "seed-resource", time.Time{}))
		}, storage.ErrDuplicate},
		{"an invoice without kind is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Invoices().Create(ctx, storage.Invoice{Invoice: invoice.Invoice{ID: "i", AccountID: "a", Status: invoice.StatusDraft}})
		}, storage.ErrInvalidRecord},
		{"an invoice series with a NUL byte is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Invoices().Create(ctx, storage.Invoice{Invoice: invoice.Invoice{ID: "i", AccountID: "a", Kind: invoice.KindInvoice, Status: invoice.StatusPaid, Series: "INV\x00", Number: 1}})
		}, storage.ErrInvalidRecord},
		{"an empty invoice series is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Invoices().NextNumber(ctx, ""))
		}, storage.ErrInvalidRecord},
		{"an invoice series that is not UTF-8 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Invoices().NextNumber(ctx, "\xff"))
		}, storage.ErrInvalidRecord},
		{"an invoice list with limit 0 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Invoices().List(ctx, "a", "", "", 0))
		}, storage.ErrInvalidRecord},
		{"an action without kind is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: "x", AccountID: "a", At: epoch}}))
		}, storage.ErrInvalidRecord},
		{"an action actor with a NUL byte is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: "x", AccountID: "a", Kind: invoice.ActionCreate, Actor: "\x00", At: epoch}}))
		}, storage.ErrInvalidRecord},
		{"an action id taken is a duplicate", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: "seed-action", AccountID: "b", Kind: invoice.ActionCreate, At: epoch}}))
		}, storage.ErrDuplicate},
		{"an action list with limit -1 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Actions().List(ctx, "a", "", 0, -1))
		}, storage.ErrInvalidRecord},
		{"an event without stream is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Outbox().Append(ctx, storage.Event{ID: "x", AccountID: "a", Kind: "k"}))
		}, storage.ErrInvalidRecord},
		{"an event with -1 attempts is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Outbox().Append(ctx, storage.Event{ID: "x", AccountID: "a", Stream: "s", Kind: "k", Attempts: -1}))
		}, storage.ErrInvalidRecord},
		{"an event id taken is a duplicate", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Outbox().Append(ctx, storage.Event{ID: "seed-event", AccountID: "a", Stream: "s", Kind: "k"}))
		}, storage.ErrDuplicate},
		{"a last error cut inside a UTF-8 character is invalid", func(ctx context.Context, tx storage.Tx) error {
			return tx.Outbox().Update(ctx, storage.Event{Seq: 1, LastError: "hết hạn"[:2]})
		}, storage.ErrInvalidRecord},
		{fmt.Sprintf("%d attempts overflow the column and are invalid", int64(math.MaxInt32)+1), func(ctx context.Context, tx storage.Tx) error {
			return tx.Outbox().Update(ctx, storage.Event{Seq: 1, Attempts: math.MaxInt32 + 1})
		}, storage.ErrInvalidRecord},
		{"an event list with limit 1001 is invalid", func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Outbox().List(ctx, "a", 0, 1001))
		}, storage.ErrInvalidRecord},
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

// seedOrders writes the records the bad-input cases refer to: an order, a
// resource, an action and an event (seq 1) of tenant a.
func seedOrders(t *testing.T, st storage.Store) {
	t.Helper()
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Orders().Create(ctx, storage.Order{ID: "seed-order", AccountID: "a", Status: "paid", CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
			return err
		}
		if err := tx.Resources().Create(ctx, resource("a", "seed-resource", time.Time{})); err != nil {
			return err
		}
		if _, err := tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: "seed-action", AccountID: "a", Kind: invoice.ActionCreate, At: epoch}}); err != nil {
			return err
		}
		_, err := tx.Outbox().Append(ctx, storage.Event{ID: "seed-event", AccountID: "a", Stream: "s", Kind: "k", CreatedAt: epoch})
		return err
	})
}

// TestCountsIgnoreWhatCannotMatch: statuses and codes that could never have
// been stored count nothing, without a failed statement.
func TestCountsIgnoreWhatCannotMatch(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for i, status := range []order.Status{order.StatusPaid, order.StatusCompleted, order.StatusFailed} {
			if err := tx.Orders().Create(ctx, storage.Order{ID: fmt.Sprintf("o%d", i), AccountID: "a", Status: status,
				CreatedAt: epoch, UpdatedAt: epoch}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct {
		name     string
		statuses []order.Status
		want     int
	}{
		{"no statuses count all 3 orders", nil, 3},
		{"paid or completed count 2", []order.Status{order.StatusPaid, order.StatusCompleted}, 2},
		{"a status that is not UTF-8 counts 0", []order.Status{"\xff"}, 0},
		{"paid and a status with a NUL byte count 1", []order.Status{order.StatusPaid, "\x00"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				n, err := tx.Orders().CountByAccount(ctx, "a", tc.statuses...)
				require.NoError(t, err)
				assert.Equal(t, tc.want, n)
				total, mine, err := tx.Redemptions().Count(ctx, "\xff", "a")
				require.NoError(t, err)
				assert.Equal(t, [2]int{0, 0}, [2]int{total, mine})
				return nil
			})
		})
	}
}
