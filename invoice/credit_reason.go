package invoice

import "fmt"

// CreditReasonCode says why a credit note was issued, in a form a
// document writes in its reader's language. Codes are stored: a value
// never changes meaning.
type CreditReasonCode string

// The coded reasons of a credit note.
const (
	// CreditUnusedTime: a prepaid resource was deleted and its unused time
	// refunded; the note is the user's reason for deleting, if any.
	// English: "<note, else deleted>: unused time refunded".
	CreditUnusedTime CreditReasonCode = "unused_time"
	// CreditResize: a resource was resized and the old configuration's
	// unused value credited; the note is "old → new". English: "resize:
	// <note>".
	CreditResize CreditReasonCode = "resize"
	// CreditRefund: a payment's unused value was refunded; the note is the
	// refund's own reason. English: the note.
	CreditRefund CreditReasonCode = "refund"
)

// Valid reports whether c is one of the declared codes.
func (c CreditReasonCode) Valid() bool {
	return c == CreditUnusedTime || c == CreditResize || c == CreditRefund
}

// CreditReason is a credit note's reason as a code and the words it is
// about, next to the English Memo every note carries. The zero value means
// none: documents then show the Memo as written.
type CreditReason struct {
	// Code is why the note was issued.
	Code CreditReasonCode `json:"code"`
	// Note is the host's or user's own words (shown as given), or what the
	// code is about ("basic-1 → basic-2"); optional.
	Note string `json:"note,omitempty"`
}

// IsZero reports whether r is the zero CreditReason (no coded reason).
func (r CreditReason) IsZero() bool { return r == CreditReason{} }

// check returns an *ArgumentError named name unless r is zero or a valid
// code with printable text.
func (r CreditReason) check(name string) error {
	if r.IsZero() {
		return nil
	}
	if !r.Code.Valid() {
		return &ArgumentError{Name: name + ".Code", Reason: fmt.Sprintf("%q is not a credit reason code", clip(string(r.Code)))}
	}
	return checkText(name+".Note", r.Note, false)
}
