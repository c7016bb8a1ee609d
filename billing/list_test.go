package billing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/storage"
)

// TestListsPageOneWay: every list takes a ListRequest and answers a Page;
// following Next from After "" visits every item once, in the list's
// order, and a page that is not full ends the list.
func TestListsPageOneWay(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.account(t, "acme")
		for range 5 { // 5 top-ups: 5 payments, 5 wallet entries, 5 events
			e.topUp(t, "acme", 10_000)
		}

		// walk reads a list 2 at a time and returns the cursors it used.
		walk := func(t *testing.T, list func(billing.ListRequest) (int, string, error)) (total int, pages int) {
			after := ""
			for {
				n, next, err := list(billing.ListRequest{AccountID: "acme", After: after, Limit: 2})
				require.NoError(t, err)
				total, pages = total+n, pages+1
				if n < 2 {
					assert.Empty(t, next, "a page that is not full ends the list")
				}
				if next == "" {
					return total, pages
				}
				require.NotEqual(t, after, next)
				after = next
			}
		}
		n, pages := walk(t, func(r billing.ListRequest) (int, string, error) {
			p, err := e.sys.Payments(ctx, r)
			return len(p.Items), p.Next, err
		})
		assert.Equal(t, 5, n, "5 payments")
		assert.Equal(t, 3, pages, "2 + 2 + 1")
		n, _ = walk(t, func(r billing.ListRequest) (int, string, error) {
			p, err := e.sys.WalletHistory(ctx, r)
			return len(p.Items), p.Next, err
		})
		assert.Equal(t, 5, n, "5 journal entries")
		n, _ = walk(t, func(r billing.ListRequest) (int, string, error) {
			p, err := e.sys.Events(ctx, r)
			return len(p.Items), p.Next, err
		})
		all, err := e.sys.Events(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		assert.Equal(t, len(all.Items), n)
		assert.Empty(t, all.Next, "a zero limit is the default page (100), not full")

		// Payments are newest first: the first page's first item is the
		// last top-up, and pages never repeat an item.
		first, err := e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 2})
		require.NoError(t, err)
		second, err := e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", After: first.Next, Limit: 2})
		require.NoError(t, err)
		require.Len(t, second.Items, 2)
		assert.Equal(t, first.Items[1].ID, first.Next, "a payment list's cursor is its last payment")
		assert.True(t, first.Items[1].CreatedAt.After(second.Items[0].CreatedAt) || first.Items[1].CreatedAt.Equal(second.Items[0].CreatedAt))
		assert.NotEqual(t, first.Items[1].ID, second.Items[0].ID)

		// An empty list is an empty page, not nil: it encodes as [].
		none, err := e.sys.Resources(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		assert.NotNil(t, none.Items)
		assert.Empty(t, none.Items)
		assert.Empty(t, none.Next)
	})
}

// TestListRequestErrorsNameTheField: a bad list request is a *RequestError
// naming the field, and changes nothing.
func TestListRequestErrorsNameTheField(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, newMemory())
	e.account(t, "acme")
	field := func(t *testing.T, err error) string {
		t.Helper()
		var re *billing.RequestError
		require.True(t, errors.As(err, &re), "want a *RequestError, got %v", err)
		assert.ErrorIs(t, err, billing.ErrInvalidRequest)
		return re.Field
	}
	_, err := e.sys.Payments(ctx, billing.ListRequest{})
	assert.Equal(t, "AccountID", field(t, err))
	_, err = e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 1001})
	assert.Equal(t, "Limit", field(t, err))
	assert.Contains(t, err.Error(), "1001 is outside 1–1000")
	_, err = e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: -1})
	assert.Equal(t, "Limit", field(t, err))
	_, err = e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", ResourceID: "srv_1"})
	assert.Equal(t, "ResourceID", field(t, err), "only Invoices and Actions narrow to a resource")
	_, err = e.sys.Events(ctx, billing.ListRequest{AccountID: "acme", After: "not-a-cursor"})
	assert.Equal(t, "After", field(t, err))
	_, err = e.sys.WalletHistory(ctx, billing.ListRequest{AccountID: "acme", After: "-1"})
	assert.Equal(t, "After", field(t, err))
	_, err = e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: "acme", After: "1e3"})
	assert.Equal(t, "After", field(t, err))
	_, err = e.sys.Actions(ctx, billing.ListRequest{AccountID: "acme", After: "x"})
	assert.Equal(t, "After", field(t, err))
	// A cursor naming no item of the list is the After field's error and
	// still the list's not-found error.
	_, err = e.sys.Payments(ctx, billing.ListRequest{AccountID: "acme", After: "pay_missing"})
	assert.Equal(t, "After", field(t, err))
	assert.ErrorIs(t, err, billing.ErrPaymentNotFound)
	_, err = e.sys.Resources(ctx, billing.ListRequest{AccountID: "acme", After: "srv_missing"})
	assert.Equal(t, "After", field(t, err))
	assert.ErrorIs(t, err, billing.ErrResourceNotFound)
	_, err = e.sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", After: "inv_missing"})
	assert.Equal(t, "After", field(t, err))
	assert.ErrorIs(t, err, billing.ErrInvoiceNotFound)
	_, err = e.sys.Invoices(ctx, billing.ListRequest{AccountID: "nobody"})
	assert.ErrorIs(t, err, billing.ErrAccountNotFound)

	// UsageSoFar and the linked-account requests name their fields too.
	_, err = e.sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "acme", To: start})
	assert.Equal(t, "From", field(t, err))
	_, err = e.sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "acme", From: start})
	assert.Equal(t, "To", field(t, err))
	_, err = e.sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "acme", From: start, To: start.Add(-1)})
	assert.Equal(t, "To", field(t, err))
	_, err = e.sys.SetDefaultLinkedAccount(ctx, "k", billing.LinkedAccountRequest{AccountID: "acme"})
	assert.Equal(t, "LinkID", field(t, err))
	_, err = e.sys.Unlink(ctx, "k", billing.LinkedAccountRequest{LinkID: "lnk_1"})
	assert.Equal(t, "AccountID", field(t, err))
}
