package billingtype

// EventKind names an event the host must act on. The values are stored and
// never change.
type EventKind string

// The events written to the outbox.
const (
	// EventProvision: create the resource; report the outcome with
	// ProvisioningSucceeded or ProvisioningFailed.
	EventProvision EventKind = "resource.provision"
	// EventRestrict: the term ended; the resource keeps running, restricted.
	EventRestrict EventKind = "resource.restrict"
	// EventUnrestrict: a restricted resource was renewed.
	EventUnrestrict EventKind = "resource.unrestrict"
	// EventSuspend: stop the resource; keep its data.
	EventSuspend EventKind = "resource.suspend"
	// EventResume: start a suspended resource again.
	EventResume EventKind = "resource.resume"
	// EventRelease: delete the resource and its data.
	EventRelease EventKind = "resource.release"
	// EventResize: apply the resource's new configuration.
	EventResize EventKind = "resource.resize"
	// EventPaymentSucceeded and EventPaymentFailed report a payment's
	// outcome (for receipts and notices).
	EventPaymentSucceeded EventKind = "payment.succeeded"
	EventPaymentFailed    EventKind = "payment.failed"
	// EventPaymentCredited: money arrived for something no longer payable
	// (an order paid meanwhile another way, a payment that had already
	// failed or expired, a link paid twice) and went to the account's cash
	// credit; the payload is a PaymentCreditedPayload.
	EventPaymentCredited EventKind = "payment.credited"
	// EventInvoiceIssued: an invoice or credit note was issued.
	EventInvoiceIssued EventKind = "invoice.issued"
	// EventNotice: send the customer a notice (reminder, renewal result).
	EventNotice EventKind = "notice"
	// EventCollection: automatic invoice payment paid open invoices from
	// the account's credit (CollectionPayload), for the host's e-mail.
	EventCollection EventKind = "invoice.collected"
	// EventUsageStop: a prepaid account's credit fell short of its usage
	// hold too many days in a row; the host must stop its metered services
	// (UsageStopPayload).
	EventUsageStop EventKind = "usage.stop"
)
