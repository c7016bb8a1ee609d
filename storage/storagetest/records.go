package storagetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// invoiceRecord is a stored invoice with the indexed fields set and one
// line.
func invoiceRecord(t testing.TB, acct, id, resourceID string, status invoice.Status, total int64, created time.Time) storage.Invoice {
	amount := vnd(t, total)
	return storage.Invoice{Invoice: invoice.Invoice{ID: id, AccountID: acct, ResourceID: resourceID, Kind: invoice.KindInvoice,
		Status: status, Currency: "VND", TaxMode: invoice.TaxExclusive, Total: amount, Subtotal: amount, Net: amount,
		Discount: vnd(t, 0), Tax: vnd(t, 0), AmountPaid: vnd(t, 0), AmountCredited: vnd(t, 0), CreatedAt: created,
		Lines: []invoice.Line{{Description: "vServer", Quantity: decimal.NewFromInt(1), UnitPrice: amount, Amount: amount,
			Discount: vnd(t, 0), Net: amount, TaxRate: decimal.Zero, Tax: vnd(t, 0), Total: amount}}},
		UpdatedAt: created}
}

// actionRecord is an action-log entry of kind on resourceID.
func actionRecord(acct, id, resourceID string, kind invoice.ActionKind, at time.Time) storage.Action {
	return storage.Action{Action: invoice.Action{ID: id, AccountID: acct, ResourceID: resourceID, Kind: kind, Actor: "user", At: at}}
}

// richQuoteLine is a quote line with every field a store must keep set.
func richQuoteLine(t testing.TB) pricing.QuoteLine {
	return pricing.QuoteLine{Item: 0, ProductID: "vserver", Configuration: pricing.Configuration{Plan: "s2", Components: map[string]int64{"disk_gb": 40}},
		Quantity: 1, Term: period.Months(1), Span: period.Span{Start: epoch(), End: epoch().Add(30 * 24 * time.Hour)}, Minutes: 43_200,
		Price: pricing.Price{ProductID: "vserver", Amount: vnd(t, 181_000), Parts: []pricing.PricePart{{Kind: pricing.PartPlan, ID: "s2",
			Name: "S2", Quantity: 1, Amount: vnd(t, 181_000), Breakdown: []string{"S2 = 181,000"}}}},
		Base: vnd(t, 181_000), TermDiscountRate: decimal.RequireFromString("0.05"), TermDiscount: vnd(t, 9_050), Subtotal: vnd(t, 171_950),
		Discounts: []pricing.DiscountShare{{Code: "SPRING", Label: "Spring", Amount: vnd(t, 1_950)}}, Discount: vnd(t, 1_950),
		Net: vnd(t, 170_000), Tax: vnd(t, 17_000), Total: vnd(t, 187_000), Breakdown: []string{"181,000 × 30 days"}}
}

// richResource is a resource with every field of its detail set, so a
// round trip shows that nothing is lost or changed.
func richResource(t testing.TB, acct, id string) storage.Resource {
	r := newResource(acct, id, epoch().Add(time.Hour))
	r.ResourceDetail = storage.ResourceDetail{
		Configuration: pricing.Configuration{Plan: "s2", Components: map[string]int64{"disk_gb": 40}},
		Term:          period.Months(1), Anchor: epoch().Add(-time.Hour), PricePer30Days: vnd(t, 181_000), Line: richQuoteLine(t),
		CouponShares: map[string]money.Amount{"SPRING": vnd(t, 1_950)}, PaymentID: "pay1", AutoRenew: true,
		AutoRenewTerm: period.Months(3), Since: epoch().Add(time.Minute), NextReminder: 2, NextAttempt: 1,
		InvoiceIDs: []string{"inv1", "cn1"}, FailureReason: "quota",
		Value: lifecycle.PaidValue{Segments: []lifecycle.ValueSegment{{From: epoch(), End: epoch().Add(30 * 24 * time.Hour),
			Value: vnd(t, 187_000), List: vnd(t, 199_100)}}},
		ValueTracked: true, TickAttempts: 3, TickError: "gateway down", TickRetryAt: epoch().Add(4 * time.Minute),
		Postpaid: true, Intervals: richIntervals(t), ClosedThrough: epoch().Add(-24 * time.Hour), StoppedAt: epoch().Add(5 * time.Minute),
	}
	return r
}

// richIntervals are a postpaid resource's configurations: a closed one and
// the open one after a resize, with a unit price carrying more digits than
// the currency and rates with several places, which must all come back.
func richIntervals(t testing.TB) []postpaid.Interval {
	t.Helper()
	price, err := money.New("7.7", "VND")
	require.NoError(t, err)
	return []postpaid.Interval{
		{From: epoch().Add(-48 * time.Hour), To: epoch().Add(-time.Hour), Item: "vServer 2 vCPU / 4 GB / 40 GB", UnitPrice: price,
			Quantity: decimal.RequireFromString("2.5"), DiscountRate: decimal.RequireFromString("0.125"), TaxRate: decimal.RequireFromString("0.08")},
		{From: epoch().Add(-time.Hour), Item: "vServer 4 vCPU / 8 GB / 80 GB", UnitPrice: vnd(t, 181_000),
			Quantity: decimal.NewFromInt(1), DiscountRate: decimal.Zero, TaxRate: decimal.RequireFromString("0.1")},
	}
}

// richOrder is a resize order with every field of its detail set.
func richOrder(t testing.TB, acct, id string) storage.Order {
	line := richQuoteLine(t)
	return storage.Order{ID: id, AccountID: acct, Status: order.StatusPending, Total: vnd(t, 187_000), CreatedAt: epoch(), UpdatedAt: epoch(),
		Detail: order.Detail{Kind: order.KindResize, Actor: "ops@example.com", Coupons: []string{"SPRING"},
			Items: []order.Item{{ProductID: "vserver", Configuration: line.Configuration, Quantity: 1, Term: period.Months(1)}},
			Targets: []order.Target{{ResourceID: "r1", Start: epoch(), End: epoch().Add(time.Hour), Resize: &order.Resize{ResourceID: "r1",
				Configuration: line.Configuration, OldLine: line, NewLine: line, Start: epoch(), End: epoch().Add(time.Hour), ListCharge: vnd(t, 5)}}},
			Quote: pricing.Quote{Currency: vnd(t, 0).Currency(), TaxPolicy: pricing.TaxPolicy{Rate: decimal.RequireFromString("0.1")},
				Lines: []pricing.QuoteLine{line}, Discounts: []pricing.AppliedDiscount{{Code: "SPRING", Label: "Spring",
					Requested: vnd(t, 1_950), Applied: vnd(t, 1_950)}},
				Subtotal: vnd(t, 171_950), Discount: vnd(t, 1_950), Net: vnd(t, 170_000), Tax: vnd(t, 17_000), Total: vnd(t, 187_000)}}}
}

// richCoupon is a coupon definition with every field set.
func richCoupon(t testing.TB, code string) storage.CouponRecord {
	return storage.CouponRecord{Code: code, CreatedAt: epoch(), UpdatedAt: epoch(), Definition: coupon.Coupon{Code: code,
		Kind: coupon.KindPercent, Percent: decimal.RequireFromString("0.2"), Cap: vnd(t, 50_000), MinSpend: vnd(t, 100_000),
		Products: []string{"vserver", "vstorage"}, Actions: []coupon.Action{coupon.ActionCreate, coupon.ActionRenew},
		ValidFrom: epoch(), ValidUntil: epoch().Add(720 * time.Hour), TotalLimit: 100, PerAccountLimit: 1, FirstOrderOnly: true,
		Stackable: true}}
}

// assertSame fails t unless got is want field for field: amounts,
// decimals and times compare by value (their Equal methods), and an empty
// slice or map is the same as none.
func assertSame(t testing.TB, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b money.Currency) bool { return a == b })); diff != "" {
		t.Errorf("the store did not give back what it was given (-want +got):\n%s", diff)
	}
}
