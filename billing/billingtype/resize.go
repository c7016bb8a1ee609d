package billingtype

import (
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// ResizeRequest changes a resource's configuration mid-term.
type ResizeRequest struct {
	AccountID     string                `json:"account_id"`
	ResourceID    string                `json:"resource_id"`
	Configuration pricing.Configuration `json:"configuration"`
	PaySpec
}
