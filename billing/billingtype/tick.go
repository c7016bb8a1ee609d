package billingtype

import (
	"time"
)

// TickReport counts what one Tick did.
type TickReport struct {
	// Resources is how many due resources were processed.
	Resources int `json:"resources"`
	// Reminders sent, automatic renewals that succeeded and failed, and
	// clock-driven state changes (to grace, suspended, released).
	Reminders      int `json:"reminders"`
	Renewed        int `json:"renewed"`
	RenewalsFailed int `json:"renewals_failed"`
	Transitions    int `json:"transitions"`
	// BillsIssued counts the postpaid month bills issued by month close.
	BillsIssued int `json:"bills_issued"`
	// Collections counts the runs of automatic invoice payment, and
	// InvoicesCollected the invoices they paid (in part or in full).
	Collections       int `json:"collections"`
	InvoicesCollected int `json:"invoices_collected"`
	// OverdueSteps counts the steps of overdue schedules done (charge
	// attempts, suspensions, releases); Holds the credit-hold runs.
	OverdueSteps int `json:"overdue_steps"`
	Holds        int `json:"holds"`
	// PaymentsExpired and PromotionsExpired count the payment and wallet
	// sweeps; EventsDelivered the outbox deliveries (when an EventHandler
	// is configured).
	PaymentsExpired   int `json:"payments_expired"`
	PromotionsExpired int `json:"promotions_expired"`
	EventsDelivered   int `json:"events_delivered"`
	// PaymentsRetried counts payments left "created" whose gateway the
	// worker asked again and that got an answer.
	PaymentsRetried int `json:"payments_retried"`
	// PaymentsReconciled counts payments due for expiry that their
	// gateway, asked where they stand, reported paid, failed or expired,
	// and that were settled or ended accordingly.
	PaymentsReconciled int `json:"payments_reconciled"`
	// RefundsSettled counts pending refunds to a payment's original method
	// that the worker saw settled (by a result or a status query).
	RefundsSettled int `json:"refunds_settled"`
	// Failures lists the items this Tick could not process, each with its
	// reason and when it will be tried again; every other item was
	// processed regardless. They are also logged.
	Failures []ItemFailure `json:"failures,omitempty"`
	// More reports that some sweep handled a full page (limit items), so
	// more work may be due already: a worker calls Tick again without
	// waiting, as RunWorker does.
	More bool `json:"more"`
}

// ItemKind names the kind of item an ItemFailure is about. The values are
// stable.
type ItemKind string

// The kinds of items the worker processes.
const (
	// ItemResource is a due resource (reminders, renewals, transitions).
	ItemResource ItemKind = "resource"
	// ItemPayment is a payment being expired or asked for again.
	ItemPayment ItemKind = "payment"
	// ItemEvent is an outbox event whose handler failed.
	ItemEvent ItemKind = "event"
	// ItemJob is a scheduled account job (automatic invoice payment, an
	// overdue schedule, the credit hold); its ID is "<kind>:<key>".
	ItemJob ItemKind = "job"
	// ItemSweep is a sweep that keeps no failure state per item (the
	// expiry of promotional credit); its ID names it.
	ItemSweep ItemKind = "sweep"
	// ItemRefund is a pending refund to a payment's original method being
	// sent again or asked about.
	ItemRefund ItemKind = "refund"
)

// ItemFailure is one item the worker could not process in a Tick. The item
// keeps its failure state in its own stored record (a resource's data, a
// payment's Attempts, LastError and RetryAt, an event's delivery state)
// until a later try succeeds and clears it; nothing else waits for it.
type ItemFailure struct {
	// Kind says what ID names.
	Kind ItemKind `json:"kind"`
	// ID is the resource, payment or event id, or the sweep's name.
	ID        string `json:"id"`
	AccountID string `json:"account_id,omitempty"`
	// Reason is the error, at most 500 bytes.
	Reason string `json:"reason"`
	// Attempts counts the failed tries in a row, this one included (1 for
	// a sweep).
	Attempts int `json:"attempts"`
	// RetryAt is when the worker tries the item again: after a delay of
	// Config.RetryDelay doubling up to Config.MaxRetryDelay (an event's
	// delivery backoff for events, the next Tick for a sweep).
	RetryAt time.Time `json:"retry_at"`
}
