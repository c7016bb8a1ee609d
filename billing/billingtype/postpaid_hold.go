package billingtype

import (
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// The notices of the credit hold.
const (
	// NoticeHoldShort: the credit could not cover the day's hold for
	// metered usage; Detail names the amount to top up.
	NoticeHoldShort NoticeKind = "hold_short"
)

// RefUsageHold is the reference type of the journal entries of a prepaid
// account's credit hold for metered usage: the hold, its release and the
// payment of the usage from it.
const RefUsageHold payment.ReferenceType = "usage_hold"

// UsageStopPayload is the body of an EventUsageStop event: a prepaid
// account's credit fell short of its usage hold on StopAfterShortDays days
// in a row, so the host must stop its metered services (the resources
// listed). The usage so far was settled from the hold when the event was
// written.
type UsageStopPayload struct {
	// ResourceIDs are the account's prepaid resources with metered usage
	// this period.
	ResourceIDs []string `json:"resource_ids"`
	// ShortDays is the streak of short days that stopped the services.
	ShortDays int `json:"short_days"`
	// Shortage is what the last day's hold lacked.
	Shortage money.Amount `json:"shortage"`
}
