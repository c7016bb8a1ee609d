package invoice

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// CreditRequest says which credit note to make, when and why.
type CreditRequest struct {
	// ID is the credit note's id.
	ID string
	// Reason says why, e.g. "delete: unused 20 days refunded"; required. It
	// becomes the note's Memo.
	Reason string
	// CodedReason is Reason as a code (optional), which documents write in
	// the reader's language; it becomes the note's CodedReason.
	CodedReason CreditReason
	// At is the host clock's reading; not before the invoice was issued.
	At time.Time
}

// NewCreditNote returns a draft credit note that credits amount of the
// invoice of: what a refund of unused value (delete) or a downgrade gives
// back. amount is a gross amount, tax included (the money that goes back to
// the customer's credit), and becomes the note's Total exactly.
//
// It is split across the invoice's lines in proportion to their totals with
// money.Amount.AllocateWeights: each line gets the floor of its exact share
// in minor units and the leftover units go to the largest remainders, ties
// to the earlier line, so the shares sum exactly to amount and none exceeds
// its line. Lines whose share is zero are left out. Each credit line keeps
// the original line's description, period and tax rate and has Quantity 1,
// no discount, Tax = round(share × rate ÷ (1 + rate)) and Net = share − Tax;
// its Amount is Net (exclusive) or the share (inclusive), so the line
// identities of the invoice's tax mode hold. Crediting the whole total gives
// back exactly each line's total and tax.
//
// Only issued, partially paid and paid invoices can be credited
// (ErrNotCreditable otherwise), and never beyond their total: the invoice's
// AmountCredited (the notes recorded with RecordCredit) plus amount must not
// exceed Total, else an *OverCreditError (ErrOverCredit). A credit note on an
// unpaid invoice does not reduce what is due: its value becomes credit, from
// which the invoice is then paid. Other errors: an *ArgumentError for a bad
// request or an amount that is not positive whole minor units of the
// invoice's currency (also matching money.ErrCurrencyMismatch).
func NewCreditNote(of Invoice, amount money.Amount, req CreditRequest) (Invoice, error) {
	if err := checkCreditable(of, req); err != nil {
		return Invoice{}, err
	}
	if amount.Currency().Code() != of.Currency {
		return Invoice{}, &ArgumentError{Name: "amount", Reason: "is not in " + of.Currency,
			Err: &money.CurrencyMismatchError{A: of.Currency, B: amount.Currency().Code()}}
	}
	if !amount.IsPositive() || !amount.IsRounded() {
		return Invoice{}, &ArgumentError{Name: "amount", Reason: fmt.Sprintf("%s is not a positive whole number of minor units", clip(amount.String()))}
	}
	if err := checkOverCredit(of, amount); err != nil {
		return Invoice{}, err
	}
	weights := make([]decimal.Decimal, len(of.Lines))
	for i, l := range of.Lines {
		weights[i] = l.Total.Number()
	}
	// The invoice total is positive (amount > 0 fits under it), so the
	// weights have a positive sum and the split cannot fail.
	shares, err := amount.AllocateWeights(weights...)
	if err != nil {
		return Invoice{}, fmt.Errorf("invoice: split credit of %s: %w", amount, err)
	}
	var lines []Line
	for i, share := range shares {
		if share.IsZero() {
			continue
		}
		l, err := creditLine(of.Lines[i], share, of.TaxMode)
		if err != nil {
			return Invoice{}, err
		}
		lines = append(lines, l)
	}
	return newNote(of, lines, req)
}

// NewCreditNoteLines returns a draft credit note of the invoice of made of
// lines the caller priced, such as "refund of the unused 20 days at the old
// configuration". The lines are checked in the invoice's currency and tax
// mode by the credit-note rules of Line (the tax is the tax contained in each
// line's Total) and their total must be positive. The rules of NewCreditNote
// on which invoices can be credited, and by how much, apply.
func NewCreditNoteLines(of Invoice, lines []Line, req CreditRequest) (Invoice, error) {
	if err := checkCreditable(of, req); err != nil {
		return Invoice{}, err
	}
	note, err := newNote(of, lines, req)
	if err != nil {
		return Invoice{}, err
	}
	if !note.Total.IsPositive() {
		return Invoice{}, &ArgumentError{Name: "lines", Reason: "total zero: a credit note must credit something"}
	}
	if err := checkOverCredit(of, note.Total); err != nil {
		return Invoice{}, err
	}
	return note, nil
}

// RecordCredit returns inv with the issued credit note note counted in its
// AmountCredited. Call it in the storage transaction that issues note, with
// inv locked, so the over-credit rule holds under concurrency: it is checked
// again here against the latest AmountCredited, whatever drafts were made
// before.
//
// Errors: ErrNotCreditable when inv cannot be credited, note is not an
// issued credit note, or note belongs to another invoice, account, resource
// or currency; an *OverCreditError when the notes would exceed the total;
// the errors of Validate for either document.
func RecordCredit(inv, note Invoice) (Invoice, error) {
	if err := inv.Validate(); err != nil {
		return Invoice{}, err
	}
	if err := note.Validate(); err != nil {
		return Invoice{}, err
	}
	if err := creditableStatus(inv); err != nil {
		return Invoice{}, err
	}
	switch {
	case note.Kind != KindCreditNote || note.Status != StatusIssued:
		return Invoice{}, fmt.Errorf("%w: %q is a %s %s, not an issued credit note", ErrNotCreditable, clip(note.ID), note.Status, note.Kind)
	case note.CreditedInvoiceID != inv.ID || note.AccountID != inv.AccountID ||
		note.ResourceID != inv.ResourceID || note.Currency != inv.Currency:
		return Invoice{}, fmt.Errorf("%w: credit note %q credits %q of account %q, not %q of account %q",
			ErrNotCreditable, clip(note.ID), clip(note.CreditedInvoiceID), clip(note.AccountID), clip(inv.ID), clip(inv.AccountID))
	}
	if err := checkOverCredit(inv, note.Total); err != nil {
		return Invoice{}, err
	}
	out := inv.Clone()
	out.AmountCredited, _ = inv.AmountCredited.Add(note.Total) // same currency: checked
	return out, nil
}

// checkCreditable checks the invoice and the request shared by both ways of
// making a credit note.
func checkCreditable(of Invoice, req CreditRequest) error {
	if err := of.Validate(); err != nil {
		return err
	}
	if err := creditableStatus(of); err != nil {
		return err
	}
	if err := checkID("ID", req.ID); err != nil {
		return err
	}
	if req.ID == of.ID {
		return &ArgumentError{Name: "ID", Reason: "is the credited invoice's id"}
	}
	if err := checkText("Reason", req.Reason, true); err != nil {
		return err
	}
	if err := req.CodedReason.check("CodedReason"); err != nil {
		return err
	}
	if err := checkTime("At", req.At); err != nil {
		return err
	}
	return notBefore("At", req.At, "IssuedAt", of.IssuedAt)
}

// creditableStatus reports ErrNotCreditable unless inv is an invoice that
// was issued and not voided.
func creditableStatus(inv Invoice) error {
	if inv.Kind != KindInvoice {
		return fmt.Errorf("%w: %q is a credit note", ErrNotCreditable, clip(inv.ID))
	}
	switch inv.Status {
	case StatusIssued, StatusPartiallyPaid, StatusPaid:
		return nil
	}
	return fmt.Errorf("%w: invoice %q is %s", ErrNotCreditable, clip(inv.ID), inv.Status)
}

// checkOverCredit reports an *OverCreditError when crediting amount more
// would take of's credits above its total.
func checkOverCredit(of Invoice, amount money.Amount) error {
	credited, _ := of.AmountCredited.Add(amount) // same currency: checked
	if c, _ := credited.Cmp(of.Total); c > 0 {
		return &OverCreditError{InvoiceID: of.ID, Total: of.Total, Credited: of.AmountCredited, Requested: amount}
	}
	return nil
}

// creditLine credits share (gross) of the invoice line orig, in mode.
func creditLine(orig Line, share money.Amount, mode TaxMode) (Line, error) {
	tax, err := containedTax(share, orig.TaxRate)
	if err != nil {
		return Line{}, fmt.Errorf("invoice: tax of credit %s: %w", share, err)
	}
	net, _ := share.Sub(tax) // same currency
	amount := net
	if mode == TaxInclusive {
		amount = share
	}
	l := Line{
		Description: orig.Description,
		Period:      orig.Period,
		Quantity:    decimal.NewFromInt(1),
		UnitPrice:   amount,
		Amount:      amount,
		Discount:    zeroOf(share.Currency()),
		Net:         net,
		TaxRate:     orig.TaxRate,
		Tax:         tax,
		Total:       share,
		Details:     []string{fmt.Sprintf("credits %s of the line total %s", share, orig.Total)},
		Explain:     []Detail{{Kind: DetailCredit, Amount: share.Number(), Base: orig.Total.Number()}},
	}
	// The note reverses the tax as the invoice declared it (KCT stays
	// KCT), whatever the customer's treatment is today.
	l.TaxTreatment = orig.TaxTreatment
	return l, nil
}

// newNote builds the draft credit note of of with lines.
func newNote(of Invoice, lines []Line, req CreditRequest) (Invoice, error) {
	note := Invoice{
		ID: req.ID, AccountID: of.AccountID, ResourceID: of.ResourceID, Kind: KindCreditNote,
		Status: StatusDraft, Currency: of.Currency, TaxMode: of.TaxMode,
		CreatedAt: req.At, CreditedInvoiceID: of.ID, Memo: req.Reason,
		CodedReason: req.CodedReason,
	}
	return withLines(note, lines)
}
