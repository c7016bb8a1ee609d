package billing_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// TestCheckoutNamesResourcesOnTheirInvoiceLines: an item named "web" of
// quantity 2 makes resources "web-1" and "web-2", in creation order; each
// one's invoice (181,000 + 10 % tax = 199,100) names it on its line, and the
// Resource view shows the name. An item of one resource keeps its name as
// given; an unnamed item's resources and lines have none.
func TestCheckoutNamesResourcesOnTheirInvoiceLines(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 1_000_000)
		res, err := e.sys.Checkout(ctx, "buy-named", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{
				{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 2, Term: period.Months(1), Name: "web"},
				{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1), Name: "db"},
				{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)},
			}})
		require.NoError(t, err)
		require.Len(t, res.Resources, 4)
		want := []string{"web-1", "web-2", "db", ""}
		for i, r := range e.provisionAll(t, "acme", res) {
			require.Equal(t, want[i], r.Name)
			view, err := e.sys.Resource(ctx, "acme", r.ID)
			require.NoError(t, err)
			require.Equal(t, want[i], view.Name)
			invs := e.bills(t, "acme", r.ID)
			require.Len(t, invs, 1)
			require.Len(t, invs[0].Lines, 1)
			l := invs[0].Lines[0]
			require.Equal(t, r.ID, l.ResourceID)
			require.Equal(t, want[i], l.ResourceName)
			require.Equal(t, int64(199_100), minor(t, invs[0].Total))
		}
		require.Equal(t, int64(1_000_000-4*199_100), e.available(t, "acme"))
	})
}

// TestPostpaidBillLinesNameTheResource: a postpaid resource named "db"
// (small, 181,000 per 30 days, bought 16:00:01 local on April 5) has every
// line of its April bill named "db": the configuration for 36,480 minutes
// (181,000 × 36,480 ÷ 43,200 = 152,844 + 10 % tax 15,284) and 10
// GB-hours of snapshots at 7.7 (77 + 8).
func TestPostpaidBillLinesNameTheResource(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		e.clk.Advance(time.Second)
		res, err := e.sys.Checkout(ctx, "buy-db", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1), Name: "db"}}})
		require.NoError(t, err)
		r := e.provisionAll(t, "acme", res)[0]
		require.Equal(t, "db", r.Name)
		e.clk.Set(time.Date(2026, 4, 15, 9, 0, 30, 0, time.UTC))
		require.Equal(t, 1, record(t, e, []metering.Event{{ID: "snap", AccountID: "acme", ResourceID: r.ID, Metric: snapshotMetric,
			Quantity: decimal.NewFromInt(10), At: e.clk.Now().Add(-time.Hour)}}).Recorded)

		e.clk.Set(time.Date(2026, 4, 30, 17, 0, 0, 0, time.UTC))
		preview, ok, err := e.sys.PreviewBill(ctx, "acme", r.ID)
		require.NoError(t, err)
		require.True(t, ok)
		for _, l := range preview.Lines {
			require.Equal(t, "db", l.ResourceName, "the preview names the resource too")
		}

		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bills := e.bills(t, "acme", r.ID)
		require.Len(t, bills, 1)
		require.Len(t, bills[0].Lines, 2, "the configuration and the snapshots")
		for _, l := range bills[0].Lines {
			require.Equal(t, r.ID, l.ResourceID)
			require.Equal(t, "db", l.ResourceName)
		}
		require.Equal(t, [][4]int64{{152_844, 15_284, 0, 168_128}, {77, 8, 0, 85}}, lineTotals(t, bills[0]))
	})
}

// TestResourceNameRefusedChangesNothing: a name of 101 bytes, or one with
// a control character or invalid UTF-8, is a *RequestError naming the item
// (Items[1].Name) from PreviewCheckout and Checkout, and nothing is
// created or charged; 100 bytes is accepted.
func TestResourceNameRefusedChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 1_000_000)
		item := func(name string) []billing.OrderItem {
			return []billing.OrderItem{
				{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1), Name: "ok"},
				{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 2, Term: period.Months(1), Name: name},
			}
		}
		for _, bad := range []string{strings.Repeat("n", 101), "web\n", "web\x00", "tab\there", "bad\xffutf8", "del\x7f"} {
			_, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: item(bad)})
			require.ErrorIs(t, err, billing.ErrInvalidRequest, "%q", bad)
			_, err = e.sys.Checkout(ctx, "buy-bad", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: item(bad)})
			var re *billing.RequestError
			require.True(t, errors.As(err, &re), "%q: %v", bad, err)
			require.Equal(t, "Items[1].Name", re.Field)
		}
		page, err := e.sys.Resources(ctx, billing.ListRequest{AccountID: "acme", Limit: 100})
		require.NoError(t, err)
		require.Empty(t, page.Items, "no resource created")
		require.Equal(t, int64(1_000_000), e.available(t, "acme"), "nothing charged")
		require.Equal(t, 0, e.invoiceCount(t, "acme", ""))

		// The same key with a valid name of exactly 100 bytes goes through:
		// the refusals reserved nothing.
		name := strings.Repeat("é", 50)
		require.Len(t, name, billing.MaxResourceNameBytes)
		res, err := e.sys.Checkout(ctx, "buy-bad", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit, Items: item(name)})
		require.NoError(t, err)
		got := e.provisionAll(t, "acme", res)
		require.Equal(t, []string{"ok", name + "-1", name + "-2"}, []string{got[0].Name, got[1].Name, got[2].Name})
	})
}
