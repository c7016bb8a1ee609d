package invoice

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Validate checks every invariant of inv, so that a document read back from
// a store or built by hand can be trusted: the header (ids, kind, currency,
// tax mode, memo), every line (see Line), totals equal to the sums of the
// lines, and fields that agree with the status:
//
//   - draft: no series, number, issue, due, paid or void time; nothing paid
//     or credited.
//   - issued, partially paid, paid (invoices): a valid series and number,
//     IssuedAt ≥ CreatedAt, DueAt ≥ IssuedAt; AmountPaid is 0 (issued),
//     strictly between 0 and Total (partially paid) or Total (paid, with
//     PaidAt ≥ IssuedAt). An issued or partially paid invoice has something
//     due; one with nothing to pay is paid when issued.
//   - issued (credit notes): a valid series and number, IssuedAt ≥ CreatedAt,
//     no DueAt.
//   - void: VoidedAt and VoidReason set, nothing paid or credited, and
//     either no number (voided as a draft) or one (voided after issue).
//
// Credit notes name the invoice they credit and carry their reason in Memo;
// invoices name none. WithLines, Issue, IssuePaid, ApplyPayment, Void,
// NewCreditNote, NewCreditNoteLines and RecordCredit call Validate first, so
// a broken value is refused, never carried on. Errors are *ArgumentError,
// *SeriesError, *NumberError, ErrNoLines or *LineError.
func (inv Invoice) Validate() error {
	if !inv.Kind.Valid() {
		return &ArgumentError{Name: "Kind", Reason: fmt.Sprintf("%q is not invoice or credit_note", clip(string(inv.Kind)))}
	}
	for _, f := range []struct{ name, id string }{{"ID", inv.ID}, {"AccountID", inv.AccountID}, {"ResourceID", inv.ResourceID}} {
		if err := checkID(f.name, f.id); err != nil {
			return err
		}
	}
	if !hasStatus(inv.Kind, inv.Status) {
		return &ArgumentError{Name: "Status", Reason: fmt.Sprintf("%q is not a status of a %s", clip(string(inv.Status)), inv.Kind)}
	}
	if err := checkTime("CreatedAt", inv.CreatedAt); err != nil {
		return err
	}
	if err := inv.checkKindFields(); err != nil {
		return err
	}
	for _, p := range []struct {
		name  string
		party *Party
	}{{"Seller", inv.Seller}, {"Buyer", inv.Buyer}} {
		if p.party == nil {
			continue
		}
		if p.party.IsZero() {
			return &ArgumentError{Name: p.name, Reason: "is set but empty"}
		}
		if err := CheckParty(p.name, *p.party); err != nil {
			return err
		}
	}
	cur, err := lookupCurrency(inv.Currency)
	if err != nil {
		return err
	}
	if err := inv.checkLinesAndTotals(cur); err != nil {
		return err
	}
	if err := inv.checkBookkeeping(cur); err != nil {
		return err
	}
	return inv.checkStatusFields()
}

// checkKindFields checks what differs between invoices and credit notes.
func (inv Invoice) checkKindFields() error {
	if inv.Kind == KindCreditNote {
		if err := checkID("CreditedInvoiceID", inv.CreditedInvoiceID); err != nil {
			return err
		}
		if err := inv.CodedReason.check("CodedReason"); err != nil {
			return err
		}
		return checkText("Memo", inv.Memo, true)
	}
	if inv.CreditedInvoiceID != "" {
		return &ArgumentError{Name: "CreditedInvoiceID", Reason: "is set on an invoice"}
	}
	if !inv.CodedReason.IsZero() {
		return &ArgumentError{Name: "CodedReason", Reason: "is set on an invoice"}
	}
	return checkText("Memo", inv.Memo, false)
}

// checkLinesAndTotals checks the lines and that the totals are their sums.
func (inv Invoice) checkLinesAndTotals(cur money.Currency) error {
	if !inv.TaxMode.Valid() {
		return &ArgumentError{Name: "TaxMode", Reason: fmt.Sprintf("%q is not exclusive or inclusive", clip(string(inv.TaxMode)))}
	}
	if len(inv.Lines) == 0 {
		return ErrNoLines
	}
	if len(inv.Lines) > MaxLines {
		return &ArgumentError{Name: "Lines", Reason: fmt.Sprintf("has %d lines, more than %d", len(inv.Lines), MaxLines)}
	}
	for i, l := range inv.Lines {
		if err := validateLine(i, l, cur, inv.TaxMode, inv.Kind); err != nil {
			return err
		}
	}
	t := sumLines(inv.Lines, cur)
	for _, f := range []struct {
		name      string
		got, want money.Amount
	}{
		{"Subtotal", inv.Subtotal, t.amount}, {"Discount", inv.Discount, t.discount},
		{"Net", inv.Net, t.net}, {"Tax", inv.Tax, t.tax}, {"Total", inv.Total, t.total},
	} {
		if f.got.Currency() != cur || !f.got.Equal(f.want) {
			return &ArgumentError{Name: f.name, Reason: fmt.Sprintf("%q is not the sum of the lines, %s", clip(f.got.String()), f.want)}
		}
	}
	return nil
}

// checkBookkeeping checks AmountPaid and AmountCredited against the total.
func (inv Invoice) checkBookkeeping(cur money.Currency) error {
	for _, f := range []struct {
		name string
		a    money.Amount
	}{{"AmountPaid", inv.AmountPaid}, {"AmountCredited", inv.AmountCredited}} {
		if f.a.Currency() != cur {
			return &ArgumentError{Name: f.name, Reason: "is not in " + cur.Code(),
				Err: &money.CurrencyMismatchError{A: cur.Code(), B: f.a.Currency().Code()}}
		}
		if !f.a.IsRounded() || f.a.IsNegative() {
			return &ArgumentError{Name: f.name, Reason: fmt.Sprintf("%s is negative or not whole minor units", clip(f.a.String()))}
		}
		if inv.Kind == KindCreditNote && !f.a.IsZero() {
			return &ArgumentError{Name: f.name, Reason: "is not zero on a credit note"}
		}
		if c, _ := f.a.Cmp(inv.Total); c > 0 {
			return &ArgumentError{Name: f.name, Reason: fmt.Sprintf("%s exceeds Total %s", f.a, inv.Total)}
		}
	}
	return nil
}

// checkStatusFields checks that numbers, times and amounts agree with the
// status.
func (inv Invoice) checkStatusFields() error {
	issued := !inv.IssuedAt.IsZero()
	if inv.Status == StatusDraft && issued {
		return &ArgumentError{Name: "IssuedAt", Reason: "is set on a draft"}
	}
	if inv.Status != StatusDraft && inv.Status != StatusVoid && !issued {
		return &ArgumentError{Name: "IssuedAt", Reason: "is not set on a " + string(inv.Status) + " document"}
	}
	if issued {
		if _, err := Format(inv.Series, inv.Number); err != nil {
			return err
		}
		if err := notBefore("IssuedAt", inv.IssuedAt, "CreatedAt", inv.CreatedAt); err != nil {
			return err
		}
	} else if inv.Series != "" || inv.Number != 0 || !inv.DueAt.IsZero() {
		return &ArgumentError{Name: "Number", Reason: "series, number or due time set on a document never issued"}
	}
	if err := inv.checkDue(issued); err != nil {
		return err
	}
	if err := inv.checkPaid(); err != nil {
		return err
	}
	voided := inv.Status == StatusVoid
	switch {
	case voided && (inv.VoidedAt.IsZero() || inv.VoidReason == ""):
		return &ArgumentError{Name: "VoidedAt", Reason: "void document without VoidedAt and VoidReason"}
	case !voided && (!inv.VoidedAt.IsZero() || inv.VoidReason != ""):
		return &ArgumentError{Name: "VoidedAt", Reason: "set on a document that is not void"}
	case voided:
		if err := checkText("VoidReason", inv.VoidReason, true); err != nil {
			return err
		}
		if err := notBefore("VoidedAt", inv.VoidedAt, "CreatedAt", inv.CreatedAt); err != nil {
			return err
		}
		if issued {
			return notBefore("VoidedAt", inv.VoidedAt, "IssuedAt", inv.IssuedAt)
		}
	}
	return nil
}

// checkDue checks DueAt: set on issued invoices, never on credit notes.
func (inv Invoice) checkDue(issued bool) error {
	switch {
	case !issued:
		return nil
	case inv.Kind == KindCreditNote && !inv.DueAt.IsZero():
		return &ArgumentError{Name: "DueAt", Reason: "is set on a credit note, which has nothing due"}
	case inv.Kind == KindInvoice && inv.DueAt.IsZero():
		return &ArgumentError{Name: "DueAt", Reason: "is not set on an issued invoice"}
	case inv.Kind == KindInvoice:
		return notBefore("DueAt", inv.DueAt, "IssuedAt", inv.IssuedAt)
	}
	return nil
}

// checkPaid checks that AmountPaid and PaidAt agree with the status.
func (inv Invoice) checkPaid() error {
	paid, _ := inv.AmountPaid.Cmp(inv.Total) // same currency: checked
	switch inv.Status {
	case StatusPaid:
		if paid != 0 || inv.PaidAt.IsZero() {
			return &ArgumentError{Name: "AmountPaid", Reason: fmt.Sprintf("paid invoice has %s of %s paid, PaidAt %v", inv.AmountPaid, inv.Total, !inv.PaidAt.IsZero())}
		}
		return notBefore("PaidAt", inv.PaidAt, "IssuedAt", inv.IssuedAt)
	case StatusPartiallyPaid:
		if !inv.AmountPaid.IsPositive() || paid >= 0 {
			return &ArgumentError{Name: "AmountPaid", Reason: fmt.Sprintf("partially paid invoice has %s of %s paid", inv.AmountPaid, inv.Total)}
		}
	case StatusIssued:
		if inv.Kind == KindInvoice && !inv.Total.IsPositive() {
			return &ArgumentError{Name: "Total", Reason: "is zero on an unpaid invoice; an invoice with nothing to pay is paid when issued"}
		}
		fallthrough
	default:
		if !inv.AmountPaid.IsZero() {
			return &ArgumentError{Name: "AmountPaid", Reason: fmt.Sprintf("%s paid on a %s document", inv.AmountPaid, inv.Status)}
		}
	}
	if inv.Status != StatusPaid && !inv.PaidAt.IsZero() {
		return &ArgumentError{Name: "PaidAt", Reason: "is set on a document that is not paid"}
	}
	if (inv.Status == StatusDraft || inv.Status == StatusVoid) && !inv.AmountCredited.IsZero() {
		return &ArgumentError{Name: "AmountCredited", Reason: fmt.Sprintf("%s credited on a %s document", inv.AmountCredited, inv.Status)}
	}
	return nil
}

// notBefore returns an *ArgumentError when t, named name, is before the
// earlier event ref, named refName.
func notBefore(name string, t time.Time, refName string, ref time.Time) error {
	if t.Before(ref) {
		return &ArgumentError{Name: name, Reason: fmt.Sprintf("%s is before %s %s",
			t.Format(time.RFC3339Nano), refName, ref.Format(time.RFC3339Nano))}
	}
	return nil
}
