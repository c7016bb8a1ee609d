package order

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// Status is where an order stands. Stored values never change meaning; new
// ones are only ever added.
type Status string

// The order statuses.
const (
	// StatusPending: created, waiting for its payment.
	StatusPending Status = "pending_payment"
	// StatusPaid: its payment succeeded; provisioning or the action it
	// pays for is under way.
	StatusPaid Status = "paid"
	// StatusFailed: its payment failed or expired; it can no longer be
	// paid.
	StatusFailed Status = "payment_failed"
	// StatusCompleted: paid, and every resource it acted on has its
	// invoice.
	StatusCompleted Status = "completed"
	// StatusBilledInArrears: a postpaid account's purchase. Nothing is due
	// on the order and no payment settles it: its resources are billed by
	// month, in arrears, from the minute they are provisioned, and its
	// quote is an estimate (pricing.Quote.Estimate). The order stays in
	// this status; its resources carry their own lifecycle.
	StatusBilledInArrears Status = "billed_in_arrears"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusPending, StatusPaid, StatusFailed, StatusCompleted, StatusBilledInArrears:
		return true
	}
	return false
}

// Kind is what a paid order does.
type Kind string

// The order kinds.
const (
	// KindCreate creates new resources.
	KindCreate Kind = "create"
	// KindRenew extends existing resources from their current end.
	KindRenew Kind = "renew"
	// KindRecover brings released resources back with their old
	// configuration, billed like a new creation.
	KindRecover Kind = "recover"
	// KindMatchEndTime extends several resources to one end time.
	KindMatchEndTime Kind = "match_end_time"
	// KindResize changes an active resource's configuration for the rest
	// of its term.
	KindResize Kind = "resize"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindCreate, KindRenew, KindRecover, KindMatchEndTime, KindResize:
		return true
	}
	return false
}

// Item is one line of an order: a product configuration, how many
// resources of it, and for how long.
type Item struct {
	ProductID     string                `json:"product_id"`
	Configuration pricing.Configuration `json:"configuration"`
	// Quantity is how many identical resources to create (1–100); each
	// gets its own invoice.
	Quantity int64 `json:"quantity"`
	// Term is the usage time bought (e.g. period.Months(1), period.Days(60)).
	Term period.Term `json:"term"`
	// Name is the host's name for the item's resources, shown on their
	// invoice lines (optional, at most billing.MaxResourceNameBytes of
	// printable text). With Quantity 1 the resource gets it as given; with
	// Quantity n > 1 they are named Name-1 … Name-n in creation order.
	Name string `json:"name,omitempty"`
}

// Clone returns a copy of it that shares no memory with it.
func (it Item) Clone() Item {
	it.Configuration = it.Configuration.Clone()
	return it
}

// Target is an existing resource an order line acts on (renew, recover,
// match end time, resize).
type Target struct {
	ResourceID string `json:"resource_id"`
	// Start and End bound the period the line buys (renew, match).
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Anchor is the billing anchor the resource keeps once the line is
	// paid (renewals); zero when the line sets none.
	Anchor time.Time `json:"anchor,omitzero"`
	// Resize is the pending configuration change, for resize orders; nil
	// otherwise.
	Resize *Resize `json:"resize,omitempty"`
}

// Clone returns a copy of t that shares no memory with it.
func (t Target) Clone() Target {
	if t.Resize != nil {
		r := t.Resize.Clone()
		t.Resize = &r
	}
	return t
}

// Resize is a paid-for configuration change waiting for its payment: the
// resource keeps its end date and moves from OldLine to NewLine at Start.
type Resize struct {
	ResourceID    string                `json:"resource_id"`
	Configuration pricing.Configuration `json:"configuration"`
	OldLine       pricing.QuoteLine     `json:"old_line"`
	NewLine       pricing.QuoteLine     `json:"new_line"`
	Start         time.Time             `json:"start"`
	End           time.Time             `json:"end"`
	// ListCharge is what an upgrade costs at list price, tax included,
	// before resize coupons: it keeps the record of the share of the list
	// price the customer has paid for the rest of the term.
	ListCharge money.Amount `json:"list_charge"`
}

// Clone returns a copy of r that shares no memory with it.
func (r Resize) Clone() Resize {
	r.Configuration = r.Configuration.Clone()
	r.OldLine = r.OldLine.Clone()
	r.NewLine = r.NewLine.Clone()
	return r
}

// Detail is what an order records beyond its status and total: what it
// does, to which resources, what it bought, and at what quote.
type Detail struct {
	Kind    Kind     `json:"kind"`
	Targets []Target `json:"targets,omitempty"`
	Items   []Item   `json:"items"`
	Coupons []string `json:"coupons,omitempty"`
	// Quote is the priced order the customer is charged for.
	Quote pricing.Quote `json:"quote"`
	// Actor is who placed the order, as the action log records it.
	Actor string `json:"actor,omitempty"`
}

// Clone returns a copy of d that shares no memory with it.
func (d Detail) Clone() Detail {
	if d.Targets != nil {
		ts := make([]Target, len(d.Targets))
		for i, t := range d.Targets {
			ts[i] = t.Clone()
		}
		d.Targets = ts
	}
	if d.Items != nil {
		items := make([]Item, len(d.Items))
		for i, it := range d.Items {
			items[i] = it.Clone()
		}
		d.Items = items
	}
	if d.Coupons != nil {
		d.Coupons = append([]string(nil), d.Coupons...)
	}
	d.Quote = d.Quote.Clone()
	return d
}
