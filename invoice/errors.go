package invoice

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Sentinel errors. Every error this package returns matches one of them with
// errors.Is, so callers branch on the condition, never on a message. They may
// be stored or sent to clients, so their meanings never change; new
// conditions are only ever added.
var (
	// ErrInvalidArgument: an id, currency, tax mode, time, memo, reason or
	// other argument is missing or malformed, or a hand-built Invoice breaks
	// one of its invariants. See *ArgumentError.
	ErrInvalidArgument = errors.New("invoice: invalid argument")

	// ErrNoLines: an invoice or credit note has no lines.
	ErrNoLines = errors.New("invoice: no lines")

	// ErrInvalidLine: a line breaks a rule (an amount not rounded to the
	// currency, in another currency, negative, or not reconciling). See
	// *LineError.
	ErrInvalidLine = errors.New("invoice: invalid line")

	// ErrIllegalTransition: the state table of the document's kind has no row
	// for this status and event, or the row's guard refused it. See
	// *TransitionError.
	ErrIllegalTransition = errors.New("invoice: illegal status transition")

	// ErrImmutable: something tried to change the lines or amounts of a
	// document that is no longer a draft. Corrections of issued invoices are
	// credit notes. See *ImmutableError.
	ErrImmutable = errors.New("invoice: issued documents are immutable")

	// ErrInvalidPayment: a payment is missing, not positive, not whole minor
	// units, or in another currency than the invoice. See *PaymentError.
	ErrInvalidPayment = errors.New("invoice: invalid payment")

	// ErrOverpayment: a payment would take the amount paid above the total.
	// See *OverpaymentError.
	ErrOverpayment = errors.New("invoice: payment exceeds the amount due")

	// ErrNotCreditable: a credit note was asked for a document that cannot be
	// credited (a draft, a void invoice, or a credit note), or a credit note
	// was recorded against an invoice it does not credit.
	ErrNotCreditable = errors.New("invoice: not creditable")

	// ErrOverCredit: the credit notes of an invoice would total more than the
	// invoice. See *OverCreditError.
	ErrOverCredit = errors.New("invoice: credit exceeds the invoice total")

	// ErrInvalidSeries: a numbering series is empty or malformed. See
	// *SeriesError.
	ErrInvalidSeries = errors.New("invoice: invalid series")

	// ErrInvalidNumber: a document number is out of range, or text is not a
	// formatted document number. See *NumberError.
	ErrInvalidNumber = errors.New("invoice: invalid document number")

	// ErrInvalidAction: an action log record breaks a rule. See *ActionError.
	ErrInvalidAction = errors.New("invoice: invalid action")
)

// ArgumentError names an argument or field and the rule it broke. It matches
// ErrInvalidArgument and, through Err, a cause from another package (such as
// money.ErrUnknownCurrency) when there is one.
type ArgumentError struct {
	// Name is the argument or field, e.g. "AccountID" or "dueAt".
	Name string
	// Reason is the broken rule, e.g. "is empty".
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error names the argument and the broken rule.
func (e *ArgumentError) Error() string {
	return fmt.Sprintf("invoice: invalid %s: %s", e.Name, e.Reason)
}

// Is makes an *ArgumentError match ErrInvalidArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// Unwrap returns the underlying cause, or nil.
func (e *ArgumentError) Unwrap() error { return e.Err }

// LineError reports the line at Index (its position in the slice given, or
// -1 for a single line given to PriceLine) and the field and rule it broke.
// It matches ErrInvalidLine and, through Err, a cause such as
// money.ErrCurrencyMismatch.
type LineError struct {
	// Index is the line's position, or -1 for a line outside a list.
	Index int
	// Field is the offending field, e.g. "Tax".
	Field string
	// Reason is the broken rule, with the numbers.
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error names the line, the field and the broken rule.
func (e *LineError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("invoice: invalid line: %s %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invoice: invalid line %d: %s %s", e.Index, e.Field, e.Reason)
}

// Is makes a *LineError match ErrInvalidLine.
func (e *LineError) Is(target error) bool { return target == ErrInvalidLine }

// Unwrap returns the underlying cause, or nil.
func (e *LineError) Unwrap() error { return e.Err }

// TransitionError reports an event that a document of Kind in status From
// may not take: the state table has no row for it, or (Reason not empty) the
// row's guard refused it. It matches ErrIllegalTransition.
type TransitionError struct {
	Kind  Kind
	From  Status
	Event Event
	// Reason is why a guard refused a row of the table; empty when there is
	// no row.
	Reason string
}

// Error names the kind, status and event, and the guard's reason if any.
func (e *TransitionError) Error() string {
	s := fmt.Sprintf("invoice: illegal transition: %s on %s %s",
		strconv.Quote(clip(string(e.Event))), clip(string(e.Kind)), strconv.Quote(clip(string(e.From))))
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is makes a *TransitionError match ErrIllegalTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// ImmutableError reports an attempt to change a document that is no longer a
// draft. It matches ErrImmutable.
type ImmutableError struct {
	// ID is the document's id.
	ID string
	// Status is its status when the change was attempted.
	Status Status
}

// Error names the document and its status.
func (e *ImmutableError) Error() string {
	return fmt.Sprintf("invoice: %q is %s: only drafts can change; correct it with a credit note",
		clip(e.ID), clip(string(e.Status)))
}

// Is makes an *ImmutableError match ErrImmutable.
func (e *ImmutableError) Is(target error) bool { return target == ErrImmutable }

// PaymentError reports an unusable payment amount. It matches
// ErrInvalidPayment and, through Err, money.ErrCurrencyMismatch when the
// currencies differ.
type PaymentError struct {
	// Amount is the payment as given.
	Amount money.Amount
	// Reason is the broken rule.
	Reason string
	// Err is the underlying cause, or nil.
	Err error
}

// Error states the amount and the broken rule.
func (e *PaymentError) Error() string {
	return fmt.Sprintf("invoice: invalid payment %q: %s", clip(e.Amount.String()), e.Reason)
}

// Is makes a *PaymentError match ErrInvalidPayment.
func (e *PaymentError) Is(target error) bool { return target == ErrInvalidPayment }

// Unwrap returns the underlying cause, or nil.
func (e *PaymentError) Unwrap() error { return e.Err }

// OverpaymentError reports a payment larger than what is due:
// Total − Paid < Requested. It matches ErrOverpayment.
type OverpaymentError struct {
	Total, Paid, Requested money.Amount
}

// Error states the three amounts.
func (e *OverpaymentError) Error() string {
	return fmt.Sprintf("invoice: payment of %s exceeds the amount due (total %s, paid %s)",
		e.Requested, e.Total, e.Paid)
}

// Is makes an *OverpaymentError match ErrOverpayment.
func (e *OverpaymentError) Is(target error) bool { return target == ErrOverpayment }

// OverCreditError reports a credit larger than what is left to credit:
// Total − Credited < Requested. It matches ErrOverCredit.
type OverCreditError struct {
	// InvoiceID is the credited invoice.
	InvoiceID string
	// Total is the invoice total, Credited the total of the credit notes
	// already recorded against it, Requested the new credit.
	Total, Credited, Requested money.Amount
}

// Error states the invoice and the three amounts.
func (e *OverCreditError) Error() string {
	return fmt.Sprintf("invoice: credit of %s on %q exceeds what is left to credit (total %s, credited %s)",
		e.Requested, clip(e.InvoiceID), e.Total, e.Credited)
}

// Is makes an *OverCreditError match ErrOverCredit.
func (e *OverCreditError) Is(target error) bool { return target == ErrOverCredit }

// SeriesError reports a malformed numbering series. It matches
// ErrInvalidSeries.
type SeriesError struct {
	// Series is the series as given.
	Series string
	// Reason is the broken rule.
	Reason string
}

// Error quotes the series (shortened if long) and the broken rule.
func (e *SeriesError) Error() string {
	return fmt.Sprintf("invoice: invalid series %q: %s", clip(e.Series), e.Reason)
}

// Is makes a *SeriesError match ErrInvalidSeries.
func (e *SeriesError) Is(target error) bool { return target == ErrInvalidSeries }

// NumberError reports a number out of range or text that is not a formatted
// document number. It matches ErrInvalidNumber.
type NumberError struct {
	// Input is the text given to ParseNumber, or the number as decimal text.
	Input string
	// Reason is the broken rule.
	Reason string
}

// Error quotes the input (shortened if long) and the broken rule.
func (e *NumberError) Error() string {
	return fmt.Sprintf("invoice: invalid document number %q: %s", clip(e.Input), e.Reason)
}

// Is makes a *NumberError match ErrInvalidNumber.
func (e *NumberError) Is(target error) bool { return target == ErrInvalidNumber }

// ActionError names the field of an Action that broke a rule. It matches
// ErrInvalidAction.
type ActionError struct {
	// Field is the offending field, e.g. "NewConfiguration".
	Field string
	// Reason is the broken rule.
	Reason string
}

// Error names the field and the broken rule.
func (e *ActionError) Error() string {
	return fmt.Sprintf("invoice: invalid action: %s %s", e.Field, e.Reason)
}

// Is makes an *ActionError match ErrInvalidAction.
func (e *ActionError) Is(target error) bool { return target == ErrInvalidAction }

// clip shortens s for error messages so that hostile input cannot flood logs.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
