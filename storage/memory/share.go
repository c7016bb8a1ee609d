package memory

import (
	"maps"
	"slices"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// An update usually writes back most of what it read unchanged: a payment
// moves a resource to provisioning and leaves its quote line, intervals and
// paid value as they were. The store keeps its own copy of every slice and
// map of a record (cloned on the way in) and hands out only clones of it
// (on the way out), so the copies it holds are never reachable from outside
// the store and nothing, the store included, ever writes into them. An
// update may therefore keep the stored slice or map instead of cloning the
// caller's when the two hold the same elements: the record stored is
// exactly the one the caller wrote, and it still shares no memory with the
// caller, whatever the caller does with its value afterwards.
//
// "The same elements" is ==, which is conservative: strings and numbers by
// value, and decimal.Decimal and money.Amount by the pointer to their big
// integer. Those big integers are never changed once a decimal or amount
// is built (both are immutable values), so equal pointers mean equal
// numbers, and a value that went through a clone keeps its pointers. A
// difference only costs the clone the update made before.
//
// Every slice and map the records' Clone methods copy must be handled here;
// TestKeptFieldsAreKnown fails when one of those types gains a field that
// holds memory this file does not know about.

// sameSlice reports whether fresh holds the same elements as stored and
// is nil exactly when stored is.
func sameSlice[T comparable](stored, fresh []T) bool {
	return (stored == nil) == (fresh == nil) && slices.Equal(stored, fresh)
}

// keepSlice returns stored when fresh holds the same elements, else a copy
// of fresh.
func keepSlice[T comparable](stored, fresh []T) []T {
	if sameSlice(stored, fresh) {
		return stored
	}
	return slices.Clone(fresh)
}

// keepMap is keepSlice for maps.
func keepMap[K, V comparable](stored, fresh map[K]V) map[K]V {
	if (stored == nil) == (fresh == nil) && maps.Equal(stored, fresh) {
		return stored
	}
	return maps.Clone(fresh)
}

// keepResourceDetail is fresh as ResourceDetail.Clone copies it, with the
// parts equal to stored's taken from stored instead of copied.
func keepResourceDetail(stored, fresh storage.ResourceDetail) storage.ResourceDetail {
	fresh.Configuration.Components = keepMap(stored.Configuration.Components, fresh.Configuration.Components)
	fresh.Line = keepQuoteLine(stored.Line, fresh.Line)
	fresh.CouponShares = keepMap(stored.CouponShares, fresh.CouponShares)
	fresh.InvoiceIDs = keepSlice(stored.InvoiceIDs, fresh.InvoiceIDs)
	fresh.Value.Segments = keepSlice(stored.Value.Segments, fresh.Value.Segments)
	fresh.Intervals = keepSlice(stored.Intervals, fresh.Intervals)
	return fresh
}

// keepQuoteLine is fresh as QuoteLine.Clone copies it, sharing what equals
// stored.
func keepQuoteLine(stored, fresh pricing.QuoteLine) pricing.QuoteLine {
	fresh.Configuration.Components = keepMap(stored.Configuration.Components, fresh.Configuration.Components)
	fresh.Price.Parts = keepParts(stored.Price.Parts, fresh.Price.Parts)
	fresh.Discounts = keepSlice(stored.Discounts, fresh.Discounts)
	fresh.Breakdown = keepSlice(stored.Breakdown, fresh.Breakdown)
	fresh.Explain = keepSlice(stored.Explain, fresh.Explain)
	return fresh
}

// keepParts is keepSlice for a price's parts, which hold slices of their own.
func keepParts(stored, fresh []pricing.PricePart) []pricing.PricePart {
	if sameParts(stored, fresh) {
		return stored
	}
	return pricing.Price{Parts: fresh}.Clone().Parts
}

// sameParts reports whether two prices' parts are the same.
func sameParts(stored, fresh []pricing.PricePart) bool {
	if (stored == nil) != (fresh == nil) || len(stored) != len(fresh) {
		return false
	}
	for i := range fresh {
		s, f := &stored[i], &fresh[i]
		if s.Kind != f.Kind || s.ID != f.ID || s.Name != f.Name || s.Quantity != f.Quantity || s.Amount != f.Amount ||
			!sameSlice(s.Breakdown, f.Breakdown) || !sameSlice(s.Explain, f.Explain) {
			return false
		}
	}
	return true
}

// keepOrderDetail is fresh as order.Detail.Clone copies it, sharing what
// equals stored.
func keepOrderDetail(stored, fresh order.Detail) order.Detail {
	if sameTargets(stored.Targets, fresh.Targets) {
		fresh.Targets = stored.Targets
	} else {
		fresh.Targets = order.Detail{Targets: fresh.Targets}.Clone().Targets
	}
	if sameItems(stored.Items, fresh.Items) {
		fresh.Items = stored.Items
	} else {
		fresh.Items = order.Detail{Items: fresh.Items}.Clone().Items
	}
	fresh.Coupons = keepSlice(stored.Coupons, fresh.Coupons)
	if sameLines(stored.Quote.Lines, fresh.Quote.Lines) {
		fresh.Quote.Lines = stored.Quote.Lines
	} else {
		fresh.Quote.Lines = pricing.Quote{Lines: fresh.Quote.Lines}.Clone().Lines
	}
	fresh.Quote.Discounts = keepSlice(stored.Quote.Discounts, fresh.Quote.Discounts)
	return fresh
}

// sameTargets reports whether two orders' targets are the same. A pending
// resize holds quote lines of its own; targets with one are copied, as
// they are rare and short-lived.
func sameTargets(stored, fresh []order.Target) bool {
	if (stored == nil) != (fresh == nil) || len(stored) != len(fresh) {
		return false
	}
	for i := range fresh {
		if fresh[i].Resize != nil || stored[i] != fresh[i] {
			return false
		}
	}
	return true
}

// sameItems reports whether two orders' items are the same.
func sameItems(stored, fresh []order.Item) bool {
	if (stored == nil) != (fresh == nil) || len(stored) != len(fresh) {
		return false
	}
	for i := range fresh {
		s, f := stored[i], fresh[i]
		if s.ProductID != f.ProductID || s.Quantity != f.Quantity || s.Term != f.Term || s.Name != f.Name ||
			!sameConfiguration(s.Configuration, f.Configuration) {
			return false
		}
	}
	return true
}

// sameConfiguration reports whether two configurations are the same.
func sameConfiguration(a, b pricing.Configuration) bool {
	return a.Plan == b.Plan && (a.Components == nil) == (b.Components == nil) && maps.Equal(a.Components, b.Components)
}

// sameLines reports whether two quotes' lines are the same, field by field.
func sameLines(stored, fresh []pricing.QuoteLine) bool {
	if (stored == nil) != (fresh == nil) || len(stored) != len(fresh) {
		return false
	}
	for i := range fresh {
		s, f := &stored[i], &fresh[i]
		if s.Item != f.Item || s.ProductID != f.ProductID || !sameConfiguration(s.Configuration, f.Configuration) ||
			s.Quantity != f.Quantity || s.Term != f.Term || s.Span != f.Span || s.Minutes != f.Minutes ||
			s.Price.ProductID != f.Price.ProductID || s.Price.Amount != f.Price.Amount ||
			s.Base != f.Base || s.TermDiscountRate != f.TermDiscountRate || s.TermDiscount != f.TermDiscount ||
			s.Subtotal != f.Subtotal || s.Discount != f.Discount || s.Net != f.Net || s.TaxRate != f.TaxRate ||
			s.TaxTreatment != f.TaxTreatment || s.Tax != f.Tax || s.Total != f.Total {
			return false
		}
		if !sameParts(s.Price.Parts, f.Price.Parts) || !sameSlice(s.Discounts, f.Discounts) ||
			!sameSlice(s.Breakdown, f.Breakdown) || !sameSlice(s.Explain, f.Explain) {
			return false
		}
	}
	return true
}
