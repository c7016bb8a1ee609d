package billing

import "github.com/cloudbill/cloudbill/billing/billingtype"

// Actors the library records in the action log when no person or host
// service acted. A host's own Actor (an operator, a support tool, the
// customer's id) is recorded as given; requests that leave it empty are
// attributed to the account itself.
const (
	// ActorAutoRenew placed an automatic renewal.
	ActorAutoRenew = billingtype.ActorAutoRenew
	// ActorTick moved a resource on the clock (grace, suspension,
	// release) during Tick.
	ActorTick = billingtype.ActorTick
	// ActorProvisioning reported a provisioning outcome for a host that
	// did not name itself.
	ActorProvisioning = billingtype.ActorProvisioning
	// ActorOverdue suspended, resumed or released postpaid resources on
	// the overdue schedule.
	ActorOverdue = billingtype.ActorOverdue
)

// CallbackResult says what a gateway callback did.
type CallbackResult = billingtype.CallbackResult

// RefundPaymentRequest asks to return (part of) a succeeded gateway
// payment to the method that paid it.
type RefundPaymentRequest = billingtype.RefundPaymentRequest

// GatewayRefund is a refund to a payment's original method as the host
// sees it.
type GatewayRefund = billingtype.GatewayRefund

// ReconcileResult is what ReconcilePayment found at the gateway and did.
type ReconcileResult = billingtype.ReconcileResult

// ReconcileAction says what reconciling a payment did.
type ReconcileAction = billingtype.ReconcileAction

// The actions of a reconciliation.
const (
	// ReconcileApplied: the gateway says paid; the payment was settled as
	// a payment.succeeded callback would have settled it.
	ReconcileApplied = billingtype.ReconcileApplied
	// ReconcileEnded: the gateway says failed or expired; the payment was
	// ended.
	ReconcileEnded = billingtype.ReconcileEnded
	// ReconcileMismatch: the gateway says paid with another amount or
	// currency; recorded (EventPaymentMismatch), nothing applied.
	ReconcileMismatch = billingtype.ReconcileMismatch
	// ReconcileNone: nothing changed (the state was reached already, or
	// the gateway has no final answer).
	ReconcileNone = billingtype.ReconcileNone
	// ReconcileUnsupported: the payment's gateway cannot be asked.
	ReconcileUnsupported = billingtype.ReconcileUnsupported
)

// CallbackUnknownError reports a verified callback naming a payment,
// refund or link the library does not have; it matches
// ErrCallbackRejected.
type CallbackUnknownError = billingtype.CallbackUnknownError

// RefundUnsupportedError reports a refund to the original method the
// payment's gateway cannot make; it matches ErrNotRefundable and
// gateway.ErrUnsupported.
type RefundUnsupportedError = billingtype.RefundUnsupportedError

// RefundFailedError reports a refund to the original method the gateway
// refused at once; it matches ErrNotRefundable.
type RefundFailedError = billingtype.RefundFailedError

// CreditToTakeBackError reports a top-up refund larger than the cash left
// in the wallet; it matches payment.ErrInsufficientCredit.
type CreditToTakeBackError = billingtype.CreditToTakeBackError

// PaymentMismatchPayload is the body of an EventPaymentMismatch event.
type PaymentMismatchPayload = billingtype.PaymentMismatchPayload

// RefundPayload is the body of the refund events.
type RefundPayload = billingtype.RefundPayload

// AuditPaymentMismatch is the audit action recording a gateway's report
// of a payment with the wrong amount or currency.
const AuditPaymentMismatch = billingtype.AuditPaymentMismatch

// CheckoutRequest is step 2 of the seed's flow: quantity and usage time,
// coupons, and the way to pay.
type CheckoutRequest = billingtype.CheckoutRequest

// QuoteChangedError reports a checkout whose price changed since the
// customer confirmed the quote.
type QuoteChangedError = billingtype.QuoteChangedError

// DeleteRequest deletes a resource at the customer's request.
type DeleteRequest = billingtype.DeleteRequest

// SetTaxTreatmentRequest says how an account's purchases are taxed (VAT):
// standard, exempt (KCT), zero-rated (0 %) or not declared (KKKNT).
type SetTaxTreatmentRequest = billingtype.SetTaxTreatmentRequest

// Sentinel errors of the billing entry point. Each typed error below matches
// one of them with errors.Is. Their meanings never change.
var (
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = billingtype.ErrInvalidConfig
	// ErrInvalidRequest: a request field is missing, malformed or absurd.
	ErrInvalidRequest = billingtype.ErrInvalidRequest
	// ErrInvalidIdempotencyKey: the key is empty, longer than 255 bytes or
	// contains control characters.
	ErrInvalidIdempotencyKey = billingtype.ErrInvalidIdempotencyKey
	// ErrIdempotencyConflict: the key was first used for a different request.
	ErrIdempotencyConflict = billingtype.ErrIdempotencyConflict
	// ErrAccountNotFound: no such account (tenants never see each other).
	ErrAccountNotFound = billingtype.ErrAccountNotFound
	// ErrAccountExists: an account with that id already exists.
	ErrAccountExists = billingtype.ErrAccountExists
	// ErrCurrencyMismatch: the request's money is not in the account's
	// currency, or the currency is one the System does not serve.
	ErrCurrencyMismatch = billingtype.ErrCurrencyMismatch
	// ErrUnknownGateway: no configured gateway has that name.
	ErrUnknownGateway = billingtype.ErrUnknownGateway
	// ErrGatewayUnavailable: the gateway could not be reached or gave no
	// definite answer; the payment is kept and a retry with the same
	// idempotency key tries the gateway again with the same payment id.
	ErrGatewayUnavailable = billingtype.ErrGatewayUnavailable
	// ErrPaymentNotFound: no such payment in the account.
	ErrPaymentNotFound = billingtype.ErrPaymentNotFound
	// ErrLinkedAccountNotFound: no such active linked account in the
	// account (or the account has no default one).
	ErrLinkedAccountNotFound = billingtype.ErrLinkedAccountNotFound
	// ErrPaymentLinkNotFound: no payment link has that token.
	ErrPaymentLinkNotFound = billingtype.ErrPaymentLinkNotFound
	// ErrCallbackRejected: a gateway callback failed verification or does
	// not match what it claims to settle; nothing was applied.
	ErrCallbackRejected = billingtype.ErrCallbackRejected
	// ErrQuoteChanged: the order's price changed since the quote the
	// customer confirmed (see CheckoutRequest.ExpectedTotal).
	ErrQuoteChanged = billingtype.ErrQuoteChanged
	// ErrOrderNotFound: no such order in the account.
	ErrOrderNotFound = billingtype.ErrOrderNotFound
	// ErrResourceNotFound: no such resource in the account.
	ErrResourceNotFound = billingtype.ErrResourceNotFound
	// ErrPostpaidResource: the operation needs a paid term (renew,
	// recover, match end time, automatic renewal) and the resource is
	// postpaid, billed monthly in arrears with no term.
	ErrPostpaidResource = billingtype.ErrPostpaidResource
	// ErrInvoiceNotFound: no such invoice in the account.
	ErrInvoiceNotFound = billingtype.ErrInvoiceNotFound
	// ErrCouponExists: a different coupon already has this code.
	ErrCouponExists = billingtype.ErrCouponExists
	// ErrNotRefundable: the payment cannot be refunded (not succeeded, or
	// a top-up, which is credit already).
	ErrNotRefundable = billingtype.ErrNotRefundable
	// ErrNotPayable: the order or invoice has nothing outstanding — it is
	// settled, failed, voided or expired (see *NotPayableError).
	ErrNotPayable = billingtype.ErrNotPayable
	// ErrAmountDue: the amount is not what the order or invoice accepts:
	// an order is paid exactly in full, an invoice up to what is
	// outstanding (see *AmountDueError).
	ErrAmountDue = billingtype.ErrAmountDue
)

// NotPayableError reports a payment, or a payment link, for an obligation
// with nothing outstanding.
type NotPayableError = billingtype.NotPayableError

// AmountDueError reports an amount an obligation does not accept.
type AmountDueError = billingtype.AmountDueError

// ConfigError says which Config field New rejected and why.
type ConfigError = billingtype.ConfigError

// RequestError says which request field was rejected and why.
type RequestError = billingtype.RequestError

// IdempotencyConflictError reports a key first used by another request.
type IdempotencyConflictError = billingtype.IdempotencyConflictError

// ProvisionPayload is the body of an EventProvision event: create the
// resource with this configuration, then report the outcome with
// ProvisioningSucceeded or ProvisioningFailed.
type ProvisionPayload = billingtype.ProvisionPayload

// StatePayload is the body of the resource state events EventRestrict,
// EventUnrestrict, EventSuspend, EventResume and EventRelease: the resource
// moved From one state To another; PeriodEnd is its paid term's end.
type StatePayload = billingtype.StatePayload

// ResizePayload is the body of an EventResize event: apply the new
// configuration To the resource (From is what it had).
type ResizePayload = billingtype.ResizePayload

// PaymentPayload is the body of EventPaymentSucceeded and
// EventPaymentFailed.
type PaymentPayload = billingtype.PaymentPayload

// PaymentCreditedPayload is the body of an EventPaymentCredited event.
type PaymentCreditedPayload = billingtype.PaymentCreditedPayload

// InvoicePayload is the body of an EventInvoiceIssued event (an invoice or
// a credit note).
type InvoicePayload = billingtype.InvoicePayload

// NoticePayload is the body of an EventNotice event: something to tell the
// customer (a reminder, a renewal's outcome, a grace or suspension
// warning), which the host sends by e-mail or otherwise.
type NoticePayload = billingtype.NoticePayload

// EventKind names an event the host must act on. The values are stored and
// never change.
type EventKind = billingtype.EventKind

// The events written to the outbox.
const (
	// EventProvision: create the resource; report the outcome with
	// ProvisioningSucceeded or ProvisioningFailed.
	EventProvision = billingtype.EventProvision
	// EventRestrict: the term ended; the resource keeps running, restricted.
	EventRestrict = billingtype.EventRestrict
	// EventUnrestrict: a restricted resource was renewed.
	EventUnrestrict = billingtype.EventUnrestrict
	// EventSuspend: stop the resource; keep its data.
	EventSuspend = billingtype.EventSuspend
	// EventResume: start a suspended resource again.
	EventResume = billingtype.EventResume
	// EventRelease: delete the resource and its data.
	EventRelease = billingtype.EventRelease
	// EventResize: apply the resource's new configuration.
	EventResize = billingtype.EventResize
	// EventPaymentSucceeded and EventPaymentFailed report a payment's
	// outcome (for receipts and notices).
	EventPaymentSucceeded = billingtype.EventPaymentSucceeded
	EventPaymentFailed    = billingtype.EventPaymentFailed
	// EventPaymentCredited: money arrived for something no longer payable
	// (an order paid meanwhile another way, a payment that had already
	// failed or expired, a link paid twice) and went to the account's cash
	// credit; the payload is a PaymentCreditedPayload.
	EventPaymentCredited = billingtype.EventPaymentCredited
	// EventInvoiceIssued: an invoice or credit note was issued.
	EventInvoiceIssued = billingtype.EventInvoiceIssued
	// EventNotice: send the customer a notice (reminder, renewal result).
	EventNotice = billingtype.EventNotice
	// EventCollection: automatic invoice payment paid open invoices from
	// the account's credit (CollectionPayload), for the host's e-mail.
	EventCollection = billingtype.EventCollection
	// EventUsageStop: a prepaid account's credit fell short of its usage
	// hold too many days in a row; the host must stop its metered services
	// (UsageStopPayload).
	EventUsageStop = billingtype.EventUsageStop
	// EventPaymentMismatch: a gateway reported a payment paid with another
	// amount or currency; nothing was applied (PaymentMismatchPayload).
	EventPaymentMismatch = billingtype.EventPaymentMismatch
	// EventRefundRequested, EventRefundSucceeded and EventRefundFailed
	// follow a refund to a payment's original method (RefundPayload).
	EventRefundRequested = billingtype.EventRefundRequested
	EventRefundSucceeded = billingtype.EventRefundSucceeded
	EventRefundFailed    = billingtype.EventRefundFailed
)

// PaymentLinkStatus is a payment link's status. The values are stored and
// never change.
type PaymentLinkStatus = billingtype.PaymentLinkStatus

// The statuses of a payment link.
const (
	// PaymentLinkOpen: the link can be paid until its ExpiresAt.
	PaymentLinkOpen = billingtype.PaymentLinkOpen
	// PaymentLinkPaid: a payment through the link succeeded; it cannot be
	// paid again.
	PaymentLinkPaid = billingtype.PaymentLinkPaid
)

// Payment is a payment as the portal and the host see it.
type Payment = billingtype.Payment

// PayRequest pays an amount of an account by one of the seed's methods.
type PayRequest = billingtype.PayRequest

// PaySpec says how an action on existing resources is paid; the fields are
// as in CheckoutRequest.
type PaySpec = billingtype.PaySpec

// ResizeRequest changes a resource's configuration mid-term.
type ResizeRequest = billingtype.ResizeRequest

// TickReport counts what one Tick did.
type TickReport = billingtype.TickReport

// ItemKind names the kind of item an ItemFailure is about. The values are
// stable.
type ItemKind = billingtype.ItemKind

// The kinds of items the worker processes.
const (
	// ItemResource is a due resource (reminders, renewals, transitions).
	ItemResource = billingtype.ItemResource
	// ItemPayment is a payment being expired or asked for again.
	ItemPayment = billingtype.ItemPayment
	// ItemEvent is an outbox event whose handler failed.
	ItemEvent = billingtype.ItemEvent
	// ItemJob is a scheduled account job (automatic invoice payment, an
	// overdue schedule, the credit hold); its ID is "<kind>:<key>".
	ItemJob = billingtype.ItemJob
	// ItemSweep is a sweep that keeps no failure state per item (the
	// expiry of promotional credit); its ID names it.
	ItemSweep = billingtype.ItemSweep
)

// ItemFailure is one item the worker could not process in a Tick. The item
// keeps its failure state in its own stored record (a resource's data, a
// payment's Attempts, LastError and RetryAt, an event's delivery state)
// until a later try succeeds and clears it; nothing else waits for it.
type ItemFailure = billingtype.ItemFailure

// NoticeKind names a customer notice in an EventNotice payload.
type NoticeKind = billingtype.NoticeKind

// The notices Tick sends.
const (
	NoticeReminder        = billingtype.NoticeReminder
	NoticeAutoRenewed     = billingtype.NoticeAutoRenewed
	NoticeAutoRenewFailed = billingtype.NoticeAutoRenewFailed
	NoticeStateChanged    = billingtype.NoticeStateChanged
	// NoticeCreditLimit: a postpaid account's debt reached the notice
	// threshold of its credit limit, or passed the limit.
	NoticeCreditLimit = billingtype.NoticeCreditLimit
)

// MaxUsageBatch is the most events one RecordUsage call takes (1,000).
const MaxUsageBatch = billingtype.MaxUsageBatch

// The notices of the overdue schedule.
const (
	// NoticeOverdueCharge: an overdue bill's charge attempt ran; Detail
	// says what was paid and what is still owed.
	NoticeOverdueCharge = billingtype.NoticeOverdueCharge
	// NoticeOverdueSuspended: the account's resources were suspended
	// because a bill is unpaid past the suspension day.
	NoticeOverdueSuspended = billingtype.NoticeOverdueSuspended
	// NoticeOverdueReleased: the suspended resources were released.
	NoticeOverdueReleased = billingtype.NoticeOverdueReleased
)

// CollectedInvoice is one invoice an automatic payment paid (part of).
type CollectedInvoice = billingtype.CollectedInvoice

// CollectionPayload is the body of an EventCollection event: what one run
// of automatic invoice payment paid from the account's credit, for the
// host's e-mail.
type CollectionPayload = billingtype.CollectionPayload

// NoticeHoldShort: the credit could not cover the day's hold for
// metered usage; Detail names the amount to top up.
const NoticeHoldShort = billingtype.NoticeHoldShort

// RefUsageHold is the reference type of the journal entries of a prepaid
// account's credit hold for metered usage: the hold, its release and the
// payment of the usage from it.
const RefUsageHold = billingtype.RefUsageHold

// UsageStopPayload is the body of an EventUsageStop event: a prepaid
// account's credit fell short of its usage hold on StopAfterShortDays days
// in a row, so the host must stop its metered services (the resources
// listed). The usage so far was settled from the hold when the event was
// written.
type UsageStopPayload = billingtype.UsageStopPayload

// Limits on what a public request may carry. Every public call checks its
// request against them before it does anything, and answers a
// *RequestError naming the field (errors.Is ErrInvalidRequest) that changes
// nothing. Each limit is no larger than the smallest limit of the layers the
// value later reaches — the ledger, the invoice and action log, gateway
// adapters and both shipped stores — so input that is accepted never fails
// later, and behaves the same on every store.
//
// Text rules, the same for every field:
//
//   - valid UTF-8, never more bytes than the field's limit;
//   - no control characters (Unicode category Cc: U+0000–U+001F, U+007F–
//     U+009F), so no NUL, tab or newline: descriptions and reasons become
//     journal-entry memos, which refuse every control character, and
//     PostgreSQL text refuses NUL. Other Unicode, including format
//     characters, is kept as given;
//   - ids (account ids and the ids a request names) are printable and
//     contain no white space; ids the library hands out, gateway names and
//     payment purpose references are printable ASCII;
//   - return URLs are absolute http or https URLs with a host, without
//     white space or credentials.
const (
	// MaxIDBytes is the longest id a request may name, in bytes: account
	// ids, resource, payment and linked-account ids, payment-link tokens,
	// gateway names and payment purpose references. It is the accounts
	// table's CHECK (octet_length(id) BETWEEN 1 AND 128), invoice.MaxIDLen
	// and payment.MaxIDLen.
	MaxIDBytes = billingtype.MaxIDBytes
	// MaxDescriptionBytes is the longest payment or payment-link
	// description (PayRequest, PaymentLinkRequest), and the longest label of
	// a quote discount, in bytes. A payment's description is the memo of
	// its journal entries (spend, hold, capture, gateway payment), which the
	// ledger limits to payment.MaxMemoLen, 1,024 bytes; gateways take up to
	// gateway.MaxTextLen, 2,048.
	MaxDescriptionBytes = billingtype.MaxDescriptionBytes
	// MaxReasonBytes is the longest reason (RefundRequest,
	// ProvisioningRequest, DeleteRequest, SetAccountTypeRequest,
	// GrantRequest), in bytes. A reason becomes a journal-entry memo (1,024
	// bytes at most), some with text the library adds around it
	// ("provisioning failed: " before, ": unused time refunded" after, at
	// most 24 bytes), and a credit note's memo (invoice.MaxTextLen, 2,000):
	// 1,000 leaves room for both, so a derived memo is never clipped.
	MaxReasonBytes = billingtype.MaxReasonBytes
	// MaxActorBytes is the longest actor (who placed an order, switched an
	// account, reported a provisioning outcome …), in bytes; actors are ids
	// such as "operator:ops_7" or a person's name, kept in the audit trail,
	// the order and the action log.
	MaxActorBytes = billingtype.MaxActorBytes
	// MaxReturnURLBytes is the longest return URL, in bytes: what gateways
	// accept (gateway.MaxTextLen).
	MaxReturnURLBytes = billingtype.MaxReturnURLBytes
	// MaxClientIPBytes is the longest payer IP address, in bytes: an IPv6
	// address with an embedded IPv4 one, written out in full.
	MaxClientIPBytes = billingtype.MaxClientIPBytes
	// MaxCouponCodeBytes is the longest coupon code a customer may enter,
	// in bytes: coupon.MaxCodeLen characters plus as much white space
	// around them, which coupon.NormalizeCode trims. A code that is
	// acceptable text but not a well-formed code is the coupon package's
	// typed rejection (coupon.ReasonMalformedCode), as before.
	MaxCouponCodeBytes = billingtype.MaxCouponCodeBytes
	// MaxCouponsPerOrder is the most coupon codes one order may carry, and
	// the most discounts one Quote may take; the same for Quote,
	// PreviewCheckout, Checkout, Renew, MatchEndTime, Recover and Resize.
	MaxCouponsPerOrder = billingtype.MaxCouponsPerOrder
	// MaxOrderResources is the most resources one order may create, in
	// total over its items (each item's Quantity is 1 to this), and the
	// most resources one Renew or MatchEndTime may act on; the same for
	// Quote, PreviewCheckout and Checkout.
	MaxOrderResources = billingtype.MaxOrderResources
	// MaxResourceNameBytes is the longest name an order item may give its
	// resources (OrderItem.Name), in bytes; an item of several resources
	// adds "-n" (at most 4 bytes) to each, and invoice lines show the
	// result (invoice.MaxTextLen leaves room).
	MaxResourceNameBytes = billingtype.MaxResourceNameBytes
	// TermEndSlack is how long after a checkout or a recovery its term may
	// start (the host provisions it a little later, and the account's time
	// zone shifts the end by hours) and still end by period.MaxEnd: a term
	// that would end after period.MaxEnd when started this long from now is
	// refused at the public call with an error matching ErrInvalidRequest
	// and period.ErrOutOfRange (a *period.RangeError).
	TermEndSlack = billingtype.TermEndSlack
)

// PostpaidPolicy is how postpaid accounts and metered usage are billed:
// when a month closes, when bills fall due, when the daily jobs run, the
// overdue schedule, the credit limit and the credit hold. Zero fields take
// the documented defaults (Config.Postpaid).
type PostpaidPolicy = billingtype.PostpaidPolicy

// ReasonUnknownResource is the reason RecordUsage refuses an event whose
// resource is not a resource of the event's account: unknown, or another
// account's (the two are one reason, so that an account cannot learn
// which resource ids other accounts hold). Stable, like metering's reasons.
const ReasonUnknownResource = billingtype.ReasonUnknownResource

// ReasonPeriodClosed is the reason RecordUsage refuses an event timed in a
// month its resource was already billed for (month close, or the end of a
// prepaid credit hold's period): counting it now would change a bill
// already issued. Late usage is accepted until the close, which runs
// Config.Postpaid.CloseDelay after the month's end. Stable.
const ReasonPeriodClosed = billingtype.ReasonPeriodClosed

// ReasonResourceStopped is the reason RecordUsage refuses an event of a
// postpaid resource timed at or after the resource stopped (deleted or
// released): its last month bill ends at the stop, so the usage could
// never be billed. Stable.
const ReasonResourceStopped = billingtype.ReasonResourceStopped

// ReasonBeforeStart is the reason RecordUsage refuses an event of a
// postpaid resource timed before the resource started (its first bill
// starts there), or sent before it started at all: such usage could
// never be on a bill. Stable.
const ReasonBeforeStart = billingtype.ReasonBeforeStart
