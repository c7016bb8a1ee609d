package billingtype

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/invoice"
)

// ErrEInvoiceNotFound: no e-invoice of that id belongs to the account.
var ErrEInvoiceNotFound = errors.New("billing: e-invoice not found")

// ErrEInvoiceState: the e-invoice's status does not allow the change (a
// status reported against the order draft → signed → sent → accepted or
// rejected, a second replacement, a replacement of a replacement's
// original). Nothing changed.
var ErrEInvoiceState = errors.New("billing: e-invoice status does not allow this")

// ErrEInvoicesOff: the System issues no e-invoices (Config.EInvoice is
// unset).
var ErrEInvoicesOff = errors.New("billing: e-invoices are not configured")

// EInvoiceStatus is where an e-invoice's submission to the tax authority
// stands. The values are stored and never change meaning.
type EInvoiceStatus string

// The e-invoice statuses, in the order they are reached.
const (
	// EInvoiceDraft: built and numbered, not yet signed (the seller's
	// e-invoice provider signs it).
	EInvoiceDraft EInvoiceStatus = "draft"
	// EInvoiceSigned: signed by the seller, ready to be sent.
	EInvoiceSigned EInvoiceStatus = "signed"
	// EInvoiceSent: handed to the e-invoice provider for the authority.
	EInvoiceSent EInvoiceStatus = "sent"
	// EInvoiceAccepted: the authority gave it its code; final.
	EInvoiceAccepted EInvoiceStatus = "accepted"
	// EInvoiceRejected: the authority refused it, with a reason; final
	// (a replacement is the way forward).
	EInvoiceRejected EInvoiceStatus = "rejected"
)

// rank orders the statuses; 0 for an unknown one.
func (s EInvoiceStatus) rank() int {
	switch s {
	case EInvoiceDraft:
		return 1
	case EInvoiceSigned:
		return 2
	case EInvoiceSent:
		return 3
	case EInvoiceAccepted, EInvoiceRejected:
		return 4
	}
	return 0
}

// Valid reports whether s is one of the defined statuses.
func (s EInvoiceStatus) Valid() bool { return s.rank() > 0 }

// Final reports whether s is accepted or rejected.
func (s EInvoiceStatus) Final() bool { return s.rank() == 4 }

// CanBecome reports whether an e-invoice in status s may be reported in
// status next: only forward (draft → signed → sent → accepted or
// rejected, steps may be skipped), never out of a final status; reporting
// the status it has is allowed (it changes nothing but the codes it
// fills in).
func (s EInvoiceStatus) CanBecome(next EInvoiceStatus) bool {
	if !s.Valid() || !next.Valid() {
		return false
	}
	if s == next {
		return true
	}
	return !s.Final() && next.rank() > s.rank()
}

// EInvoiceKind says what an e-invoice does.
type EInvoiceKind string

// The e-invoice kinds.
const (
	// EInvoiceOriginal states invoices: what was sold.
	EInvoiceOriginal EInvoiceKind = "original"
	// EInvoiceAdjustment adjusts an earlier e-invoice for a credit note
	// (its lines are decreases).
	EInvoiceAdjustment EInvoiceKind = "adjustment"
	// EInvoiceReplacement replaces an earlier e-invoice, which stops
	// counting: the same documents, with corrected details.
	EInvoiceReplacement EInvoiceKind = "replacement"
)

// EInvoiceGrouping is which records produce an e-invoice of their own.
type EInvoiceGrouping int

// The groupings.
const (
	// EInvoicePerInvoice: one e-invoice per issued invoice (each
	// resource's invoice at purchase, renewal, resize, recovery; each
	// postpaid account-month's bill), one adjustment per credit note.
	EInvoicePerInvoice EInvoiceGrouping = iota
	// EInvoiceGrouped: the per-resource invoices a prepaid order issues
	// when its resources start share one e-invoice, issued once the last
	// of them has started or failed (or earlier, when one of them is
	// credited first); a postpaid account's bills of one month share one,
	// issued at the account's daily run after the month's close. A
	// document issued after its group's e-invoice gets its own; everything
	// else is as EInvoicePerInvoice.
	EInvoiceGrouped
)

// EInvoice is a legal e-invoice as the library issued it.
type EInvoice struct {
	ID        string       `json:"id"`
	AccountID string       `json:"account_id"`
	Kind      EInvoiceKind `json:"kind"`
	// DocumentIDs are the invoices or credit notes it states.
	DocumentIDs []string `json:"document_ids"`
	// Form is 1 for a VAT invoice; Symbol its series ("C26TAA"); Number
	// its 8-digit number ("00000001"). Together: form 1, symbol C26TAA,
	// number 00000001.
	Form   int    `json:"form"`
	Symbol string `json:"symbol"`
	Number string `json:"number"`
	// IssuedAt is the date of issue.
	IssuedAt time.Time `json:"issued_at"`
	// RelatedID is the e-invoice an adjustment adjusts or a replacement
	// replaces; ReplacedByID the replacement that took this one's place.
	RelatedID    string `json:"related_id,omitempty"`
	ReplacedByID string `json:"replaced_by_id,omitempty"`
	// Status is where its submission stands.
	Status EInvoiceStatus `json:"status"`
	// XML is the e-invoice, the legal invoice: signed by the seller from
	// status signed on.
	XML []byte `json:"xml"`
	// ProviderRef is the e-invoice provider's reference; AuthorityCode
	// the tax authority's code and LookupCode the code the buyer looks
	// the invoice up with, once accepted; Reason why it was rejected.
	ProviderRef   string `json:"provider_ref,omitempty"`
	AuthorityCode string `json:"authority_code,omitempty"`
	LookupCode    string `json:"lookup_code,omitempty"`
	Reason        string `json:"reason,omitempty"`
}

// EInvoiceSubmission is an e-invoice handed to the seller's e-invoice
// provider.
type EInvoiceSubmission struct {
	// ID is the e-invoice's id, unique and stable across retries: pass it
	// as the provider's idempotency key (VNPT's fkey, Viettel's
	// transactionUuid), so a retried submission is never issued twice.
	ID        string
	AccountID string
	Kind      EInvoiceKind
	// Series is form and symbol ("1C26TAA"), Number the 8-digit number.
	Series string
	Number string
	// XML is the e-invoice; Signed says whether the seller's signature is
	// on it (otherwise the provider signs it).
	XML    []byte
	Signed bool
}

// EInvoiceReceipt is the provider's answer to a submission.
type EInvoiceReceipt struct {
	// Status is sent (the authority's answer comes later, reported with
	// System.RecordEInvoiceStatus), accepted or rejected.
	Status EInvoiceStatus
	// ProviderRef is the provider's reference; AuthorityCode and
	// LookupCode are set when accepted, Reason when rejected.
	ProviderRef, AuthorityCode, LookupCode, Reason string
	// SignedXML is the e-invoice as the provider signed it, when the
	// library sent it unsigned; it must carry a valid signature over the
	// same content.
	SignedXML []byte
}

// EInvoiceProvider is what a host implements to send e-invoices to its
// e-invoice provider (VNPT, Viettel, MISA, BKAV…), which forwards them to
// the tax authority. The library calls Submit when it delivers an
// einvoice.issued event, outside any storage transaction, at least once
// per e-invoice until it returns nil (an error is retried with the
// outbox's backoff); it never calls it again once a receipt is recorded.
type EInvoiceProvider interface {
	Submit(ctx context.Context, sub EInvoiceSubmission) (EInvoiceReceipt, error)
}

// RecordEInvoiceStatusRequest reports where an e-invoice stands, as the
// provider or the authority said.
type RecordEInvoiceStatusRequest struct {
	AccountID  string
	EInvoiceID string
	// Status is the new status: signed (with SignedXML), sent, accepted
	// (with AuthorityCode and LookupCode) or rejected (with Reason).
	Status                                         EInvoiceStatus
	ProviderRef, AuthorityCode, LookupCode, Reason string
	// SignedXML is the e-invoice as the provider signed it; required to
	// move a draft on, refused once the e-invoice is signed.
	SignedXML []byte
	// Actor is who reports it (for the audit trail).
	Actor string
}

// ReplaceEInvoiceRequest asks for a replacement of an e-invoice: the same
// documents under a new number, stating the one it replaces.
type ReplaceEInvoiceRequest struct {
	AccountID  string
	EInvoiceID string
	// Reason says what was wrong; it is stated on the replacement.
	Reason string
	// Buyer, when set, is the buyer's corrected legal details; otherwise
	// the replaced e-invoice's buyer is stated again.
	Buyer *invoice.Party
	// Actor is who asks (for the audit trail).
	Actor string
}

// EInvoicePayload is the body of the einvoice.* events.
type EInvoicePayload struct {
	EInvoiceID  string         `json:"einvoice_id"`
	Kind        EInvoiceKind   `json:"kind"`
	DocumentIDs []string       `json:"document_ids"`
	Series      string         `json:"series"`
	Number      string         `json:"number"`
	Status      EInvoiceStatus `json:"status"`
	RelatedID   string         `json:"related_id,omitempty"`
	// XML is the e-invoice (signed from status signed on), on
	// einvoice.issued only.
	XML           []byte `json:"xml,omitempty"`
	AuthorityCode string `json:"authority_code,omitempty"`
	LookupCode    string `json:"lookup_code,omitempty"`
	Reason        string `json:"reason,omitempty"`
}

// EInvoiceFailedPayload is the body of an einvoice.failed event: a
// document the System could not turn into an e-invoice (its operation
// went through; the document stands).
type EInvoiceFailedPayload struct {
	DocumentIDs []string `json:"document_ids"`
	Reason      string   `json:"reason"`
}

// The e-invoice events.
const (
	// EventEInvoiceIssued: an e-invoice was issued; the payload carries its
	// XML for the host's e-invoice provider.
	EventEInvoiceIssued EventKind = "einvoice.issued"
	// EventEInvoiceStatus: an e-invoice's status changed (signed, sent,
	// accepted, rejected).
	EventEInvoiceStatus EventKind = "einvoice.status"
	// EventEInvoiceFailed: documents could not be e-invoiced.
	EventEInvoiceFailed EventKind = "einvoice.failed"
)
