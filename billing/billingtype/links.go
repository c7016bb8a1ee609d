package billingtype

// PaymentLinkStatus is a payment link's status. The values are stored and
// never change.
type PaymentLinkStatus string

// The statuses of a payment link.
const (
	// PaymentLinkOpen: the link can be paid until its ExpiresAt.
	PaymentLinkOpen PaymentLinkStatus = "open"
	// PaymentLinkPaid: a payment through the link succeeded; it cannot be
	// paid again.
	PaymentLinkPaid PaymentLinkStatus = "paid"
)
