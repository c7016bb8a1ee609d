package memory

import (
	"reflect"
	"slices"
	"testing"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// TestKeptFieldsAreKnown pins the fields of every type share.go compares or
// shares: a new field must be handled there (compared, and copied or kept)
// before it is added here, or an update could share memory with its caller
// or keep a stale value.
func TestKeptFieldsAreKnown(t *testing.T) {
	for _, c := range []struct {
		typ    reflect.Type
		fields []string
	}{
		{reflect.TypeFor[storage.ResourceDetail](), []string{"Name", "Configuration", "Term", "Anchor", "PricePer30Days", "Line", "CouponShares", "PaymentID", "AutoRenew", "AutoRenewTerm", "Since", "NextReminder", "NextAttempt", "InvoiceIDs", "FailureReason", "Value", "ValueTracked", "Postpaid", "Intervals", "ClosedThrough", "StoppedAt", "TickAttempts", "TickError", "TickRetryAt"}},
		{reflect.TypeFor[pricing.QuoteLine](), []string{"Item", "ProductID", "Configuration", "Quantity", "Term", "Span", "Minutes", "Price", "Base", "TermDiscountRate", "TermDiscount", "Subtotal", "Discounts", "Discount", "Net", "TaxRate", "TaxTreatment", "Tax", "Total", "Breakdown", "Explain"}},
		{reflect.TypeFor[pricing.Price](), []string{"ProductID", "Amount", "Parts"}},
		{reflect.TypeFor[pricing.PricePart](), []string{"Kind", "ID", "Name", "Quantity", "Amount", "Breakdown", "Explain"}},
		{reflect.TypeFor[pricing.Configuration](), []string{"Plan", "Components"}},
		{reflect.TypeFor[pricing.Quote](), []string{"Currency", "TaxPolicy", "Lines", "Discounts", "Subtotal", "Discount", "Net", "Tax", "Total", "Estimate"}},
		{reflect.TypeFor[order.Detail](), []string{"Kind", "Targets", "Items", "Coupons", "Quote", "Actor"}},
		{reflect.TypeFor[order.Item](), []string{"ProductID", "Configuration", "Quantity", "Term", "Name"}},
		{reflect.TypeFor[order.Target](), []string{"ResourceID", "Start", "End", "Anchor", "Resize"}},
		{reflect.TypeFor[lifecycle.PaidValue](), []string{"Segments"}},
	} {
		var got []string
		for f := range c.typ.Fields() {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%s has fields %q, share.go knows %q", c.typ, got, c.fields)
		}
	}
}
