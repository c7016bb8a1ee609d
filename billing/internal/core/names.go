package core

import (
	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/storage"
)

// SystemActorPrefix starts every actor the library reserves for itself.
const SystemActorPrefix = "system:"

// LegacyAutoRenewActor is how automatic renewals were marked before the
// system actors existed; orders stored with it are still recognised.
const LegacyAutoRenewActor = "auto-renew"

// Redemption statuses as stored (see coupon.RedemptionStatus).
const (
	RedemptionReserved = coupon.RedemptionReserved
	RedemptionReleased = coupon.RedemptionReleased
)

// Linked account statuses as stored.
const (
	LinkPending = "pending"
	LinkActive  = "active"
	LinkFailed  = "failed"
	LinkRemoved = "removed"
)

// Payment link statuses as stored.
const (
	LinkOpen = string(billingtype.PaymentLinkOpen)
	LinkPaid = string(billingtype.PaymentLinkPaid)
)

// IsAutoRenewal reports whether an order's actor marks it as placed by
// automatic renewal: ActorAutoRenew, or the mark orders had before the
// system actors existed.
func IsAutoRenewal(actor string) bool {
	return actor == billingtype.ActorAutoRenew || actor == LegacyAutoRenewActor
}

// MaxOpenScan is how many open invoices the purchase and collection
// checks read: an account owes on a handful, and the oldest come first.
const MaxOpenScan = 1000

// The account jobs the worker runs. The names are stored, so they never
// change.
const (
	// JobCollect is an account's daily automatic invoice payment; it
	// exists while the account has open invoices.
	JobCollect storage.JobKind = "collect"
	// JobOverdue is one unpaid bill's overdue schedule (Key: the invoice
	// id); Step counts the charge attempts made, Since is when the
	// account's resources were suspended for it.
	JobOverdue storage.JobKind = "overdue"
	// JobHold is a prepaid account's daily credit hold for its metered
	// usage; Step is the streak of short days.
	JobHold storage.JobKind = "hold"
	// JobEInvoiceMonth issues the e-invoice of an account's postpaid
	// bills of one month when e-invoices are grouped (Key: the month,
	// invoicing.MonthKey).
	JobEInvoiceMonth storage.JobKind = "einvoice_month"
)
