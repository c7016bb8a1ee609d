package billing

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// ResourceData is what a resource records beyond its indexed columns.
type ResourceData = storage.ResourceDetail

// OrderItem is one line of an order: a product configuration, how many
// resources of it, and for how long.
type OrderItem = order.Item

// Order is a checkout as the portal shows it.
type Order struct {
	ID        string        `json:"id"`
	AccountID string        `json:"account_id"`
	Status    order.Status  `json:"status"`
	PaymentID string        `json:"payment_id,omitempty"`
	Total     money.Amount  `json:"total"`
	Items     []OrderItem   `json:"items"`
	Coupons   []string      `json:"coupons,omitempty"`
	Quote     pricing.Quote `json:"quote"`
	// CreatedAt is shown in the account's billing time zone, TimeZone.
	CreatedAt time.Time `json:"created_at"`
	TimeZone  string    `json:"time_zone"`
}

func orderView(o storage.Order, loc *time.Location) (Order, error) {
	d := o.Detail
	return Order{ID: o.ID, AccountID: o.AccountID, Status: o.Status, PaymentID: o.PaymentID, Total: o.Total,
		Items: d.Items, Coupons: d.Coupons, Quote: d.Quote, CreatedAt: core.InZone(o.CreatedAt, loc), TimeZone: core.ZoneName(loc)}, nil
}

// Resource is a purchased resource as the portal shows it. Its times are in
// the account's billing time zone, which TimeZone names.
type Resource struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	OrderID   string `json:"order_id"`
	ProductID string `json:"product_id"`
	// Name is the host's name for the resource (OrderItem.Name, numbered
	// when the item made several); empty when it has none.
	Name          string                `json:"name,omitempty"`
	Configuration pricing.Configuration `json:"configuration"`
	State         lifecycle.State       `json:"state"`
	// PeriodStart and PeriodEnd bound the paid term (zero until active).
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	// BillingStatus is good / warning / alerted / expired, for display.
	BillingStatus lifecycle.BillingStatus `json:"billing_status,omitempty"`
	// Refundable is the unused part of what the customer actually paid for
	// the resource (after coupons, term discounts and tax as charged),
	// pro-rata to the minute: the most a delete, a downgrade and manual
	// refunds can still give back together.
	Refundable     money.Amount `json:"refundable"`
	PricePer30Days money.Amount `json:"price_per_30_days"`
	AutoRenew      bool         `json:"auto_renew"`
	AutoRenewTerm  period.Term  `json:"auto_renew_term"`
	InvoiceIDs     []string     `json:"invoice_ids,omitempty"`
	FailureReason  string       `json:"failure_reason,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	TimeZone       string       `json:"time_zone"`
}

// resourceView builds the portal view; rules give the billing status.
func resourceView(r storage.Resource, d ResourceData, rules lifecycle.Rules, now time.Time) Resource {
	// Times are shown in the account's billing zone, whatever the store
	// returns them in.
	loc := rules.Calendar().Location()
	inZone := func(t time.Time) time.Time { return core.InZone(t, loc) }
	v := Resource{ID: r.ID, AccountID: r.AccountID, OrderID: r.OrderID, ProductID: r.ProductID, Name: d.Name,
		Configuration: d.Configuration, State: lifecycle.State(r.Status), PeriodStart: inZone(r.PeriodStart), PeriodEnd: inZone(r.PeriodEnd),
		PricePer30Days: d.PricePer30Days, AutoRenew: d.AutoRenew, AutoRenewTerm: d.AutoRenewTerm,
		InvoiceIDs: d.InvoiceIDs, FailureReason: d.FailureReason, CreatedAt: inZone(r.CreatedAt), TimeZone: core.ZoneName(loc)}
	if !r.PeriodEnd.IsZero() && v.State.Scheduled() {
		v.BillingStatus = rules.BillingStatus(r.PeriodEnd, now)
	}
	v.Refundable = refundable(d, now)
	return v
}

// refundable is resourceView's unused paid value: zero when it cannot be
// computed (a record from before the value was tracked, whose value is
// derived from its invoices inside a transaction).
func refundable(d ResourceData, now time.Time) money.Amount {
	cur := d.PricePer30Days.Currency().Code()
	if cur == "" {
		return money.Amount{}
	}
	u, err := d.Value.Unused(cur, now)
	if err != nil {
		return d.PricePer30Days.MulInt(0)
	}
	return u
}
