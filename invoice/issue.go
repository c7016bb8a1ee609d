package invoice

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Issue returns inv issued as number of series at at: it gets its number,
// becomes immutable, and an invoice becomes due at dueAt. Only drafts can be
// issued. The store allocates number (see the package documentation's
// numbering contract).
//
// An invoice whose total is zero (a 100% coupon) has nothing to pay, so it
// is paid at once: Issue applies issue and then pay_full, and the result is
// paid with PaidAt = at. A credit note has nothing due: dueAt must be the
// zero time.
//
// Errors: a *TransitionError for a document that is not a draft; a
// *SeriesError or *NumberError for the number; an *ArgumentError for a zero
// at, at before CreatedAt, a zero dueAt or one before at (invoices), a
// non-zero dueAt (credit notes), or an inv that fails Validate.
func Issue(inv Invoice, series string, number int64, at, dueAt time.Time) (Invoice, error) {
	if err := inv.Validate(); err != nil {
		return Invoice{}, err
	}
	to, err := Next(inv.Kind, inv.Status, EventIssue)
	if err != nil {
		return Invoice{}, err
	}
	if _, err := Format(series, number); err != nil {
		return Invoice{}, err
	}
	if err := checkTime("at", at); err != nil {
		return Invoice{}, err
	}
	if err := notBefore("at", at, "CreatedAt", inv.CreatedAt); err != nil {
		return Invoice{}, err
	}
	if inv.Kind == KindCreditNote {
		if !dueAt.IsZero() {
			return Invoice{}, &ArgumentError{Name: "dueAt", Reason: "is set for a credit note, which has nothing due"}
		}
	} else {
		if err := checkTime("dueAt", dueAt); err != nil {
			return Invoice{}, err
		}
		if err := notBefore("dueAt", dueAt, "issue time", at); err != nil {
			return Invoice{}, err
		}
	}
	out := inv.Clone()
	out.Series, out.Number, out.IssuedAt, out.DueAt, out.Status = series, number, at, dueAt, to
	if inv.Kind == KindInvoice && out.Total.IsZero() {
		if out.Status, err = Next(out.Kind, out.Status, EventPayFull); err != nil {
			return Invoice{}, err
		}
		out.PaidAt = at
	}
	return out, nil
}

// IssuePaid is the prepaid flow in one step: it issues the draft invoice inv
// as number of series at at, due at at, and records payment of its whole
// total at at, so the result is paid. Use it after the payment succeeded and
// the resource was provisioned, in the same storage transaction. Errors are
// those of Issue and ApplyPayment; a credit note gives a *TransitionError,
// since credit notes are never paid.
func IssuePaid(inv Invoice, series string, number int64, at time.Time) (Invoice, error) {
	if inv.Kind != KindInvoice {
		return Invoice{}, &TransitionError{Kind: inv.Kind, From: inv.Status, Event: EventPayFull}
	}
	out, err := Issue(inv, series, number, at, at)
	if err != nil {
		return Invoice{}, err
	}
	if out.Status == StatusPaid { // a zero total is paid by Issue
		return out, nil
	}
	return ApplyPayment(out, out.Total, at)
}

// ApplyPayment returns inv with amount more paid at at: partially paid while
// something is left, paid (PaidAt = at) when the amount paid reaches the
// total. Only issued and partially paid invoices take payments.
//
// Errors: a *TransitionError for a draft, paid or void invoice or any credit
// note; a *PaymentError (ErrInvalidPayment) for an amount that is not
// positive, not whole minor units, or in another currency (also matching
// money.ErrCurrencyMismatch); an *OverpaymentError (ErrOverpayment) when
// AmountPaid + amount would exceed Total; an *ArgumentError for a zero at, at
// before IssuedAt, or an inv that fails Validate. Nothing is changed on
// error.
func ApplyPayment(inv Invoice, amount money.Amount, at time.Time) (Invoice, error) {
	if err := inv.Validate(); err != nil {
		return Invoice{}, err
	}
	// Both payment events leave the same statuses, so either one tells
	// whether inv takes payments at all.
	if _, err := Next(inv.Kind, inv.Status, EventPayFull); err != nil {
		return Invoice{}, err
	}
	if err := checkPayment(amount, inv.Currency); err != nil {
		return Invoice{}, err
	}
	if err := checkTime("at", at); err != nil {
		return Invoice{}, err
	}
	if err := notBefore("at", at, "IssuedAt", inv.IssuedAt); err != nil {
		return Invoice{}, err
	}
	paid, _ := inv.AmountPaid.Add(amount) // same currency: checked
	c, _ := paid.Cmp(inv.Total)
	if c > 0 {
		return Invoice{}, &OverpaymentError{Total: inv.Total, Paid: inv.AmountPaid, Requested: amount}
	}
	ev := EventPayPartial
	if c == 0 {
		ev = EventPayFull
	}
	to, err := Next(inv.Kind, inv.Status, ev)
	if err != nil {
		return Invoice{}, err
	}
	out := inv.Clone()
	out.AmountPaid, out.Status = paid, to
	if to == StatusPaid {
		out.PaidAt = at
	}
	return out, nil
}

// checkPayment checks that amount is a positive whole number of minor units
// of currency.
func checkPayment(amount money.Amount, currency string) error {
	if amount.Currency().Code() != currency {
		return &PaymentError{Amount: amount, Reason: "is not in " + currency,
			Err: &money.CurrencyMismatchError{A: currency, B: amount.Currency().Code()}}
	}
	if !amount.IsPositive() {
		return &PaymentError{Amount: amount, Reason: "is not positive"}
	}
	if !amount.IsRounded() {
		return &PaymentError{Amount: amount, Reason: "is not whole minor units of " + currency, Err: money.ErrNotRounded}
	}
	return nil
}

// Void returns inv cancelled at at for reason. Drafts of either kind can be
// voided. An issued invoice can be voided only while nothing has been paid
// or credited against it; once money moved, voiding would erase it, so a
// partially paid or paid invoice (or one with credit notes) is corrected
// with a credit note instead. An issued credit note is never voided: its
// value was already given back.
//
// Errors: a *TransitionError for a status without a void row, or (with a
// Reason) for an issued invoice with credits; an *ArgumentError for an empty
// reason, a zero at, at before CreatedAt or IssuedAt, or an inv that fails
// Validate.
func Void(inv Invoice, at time.Time, reason string) (Invoice, error) {
	if err := inv.Validate(); err != nil {
		return Invoice{}, err
	}
	to, err := Next(inv.Kind, inv.Status, EventVoid)
	if err != nil {
		return Invoice{}, err
	}
	// The table already keeps paid money out (no void row from partially
	// paid or paid); credits are the other money that may have moved.
	if !inv.AmountCredited.IsZero() {
		return Invoice{}, &TransitionError{Kind: inv.Kind, From: inv.Status, Event: EventVoid,
			Reason: fmt.Sprintf("%s already credited; correct it with a credit note instead", inv.AmountCredited)}
	}
	if err := checkText("reason", reason, true); err != nil {
		return Invoice{}, err
	}
	if err := checkTime("at", at); err != nil {
		return Invoice{}, err
	}
	if err := notBefore("at", at, "CreatedAt", inv.CreatedAt); err != nil {
		return Invoice{}, err
	}
	if !inv.IssuedAt.IsZero() {
		if err := notBefore("at", at, "IssuedAt", inv.IssuedAt); err != nil {
			return Invoice{}, err
		}
	}
	out := inv.Clone()
	out.Status, out.VoidedAt, out.VoidReason = to, at, reason
	return out, nil
}
