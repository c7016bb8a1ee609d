package invoice

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// MaxLines is the most lines one document may have. An invoice is per
// resource, so real ones have a handful.
const MaxLines = 1000

// Invoice is an invoice or a credit note (Kind says which) for one resource
// of one account. It is a value: every function of this package returns a
// new Invoice and leaves its argument unchanged, and Clone copies one without
// sharing slices. The state lives in the host's store.
//
// Totals are the sums of the lines' amounts of the same name, so they
// reconcile exactly:
//
//	Subtotal = Σ Amount, Discount = Σ Discount, Net = Σ Net, Tax = Σ Tax, Total = Σ Total
//	both modes: Net + Tax − Coupons() = Total
//	exclusive:  Subtotal − Discount = Net, so Subtotal − Discount + Tax − Coupons() = Total
//	inclusive:  Subtotal − Discount = Total (the tax is inside it)
//
// Once issued, the lines and totals never change (ErrImmutable); only the
// status and the bookkeeping of payments and credits move, through Issue,
// ApplyPayment, Void and RecordCredit.
type Invoice struct {
	// ID identifies the document; chosen by the host.
	ID string `json:"id"`
	// AccountID is the account billed; every document belongs to one.
	AccountID string `json:"account_id"`
	// ResourceID is the resource the document is for: one invoice per
	// resource per action.
	ResourceID string `json:"resource_id"`
	// Kind says whether this is an invoice or a credit note.
	Kind Kind `json:"kind"`
	// Series and Number are set when the document is issued; until then
	// "" and 0. DisplayNumber formats them.
	Series string `json:"series,omitempty"`
	Number int64  `json:"number,omitempty"`
	// Status is where the document is in its state table.
	Status Status `json:"status"`
	// Currency is the ISO 4217 code of every amount.
	Currency string `json:"currency"`
	// TaxMode says whether the lines' prices include tax.
	TaxMode TaxMode `json:"tax_mode"`
	// Lines are the rows, at least one.
	Lines []Line `json:"lines"`
	// Subtotal, Discount, Net, Tax and Total are the sums over Lines.
	Subtotal money.Amount `json:"subtotal"`
	Discount money.Amount `json:"discount"`
	Net      money.Amount `json:"net"`
	Tax      money.Amount `json:"tax"`
	Total    money.Amount `json:"total"`
	// AmountPaid is what has been paid against an invoice, 0 ≤ AmountPaid ≤
	// Total; always zero on a credit note.
	AmountPaid money.Amount `json:"amount_paid"`
	// AmountCredited is the total of the issued credit notes recorded
	// against an invoice (RecordCredit), 0 ≤ AmountCredited ≤ Total; always
	// zero on a credit note. It is what the over-credit rule is checked
	// against, so no query of other documents is needed.
	AmountCredited money.Amount `json:"amount_credited"`
	// CreatedAt is when the draft was made; IssuedAt, PaidAt and VoidedAt
	// when those events happened (zero until then). DueAt is when an
	// invoice must be paid (zero until issued).
	CreatedAt time.Time `json:"created_at"`
	IssuedAt  time.Time `json:"issued_at,omitzero"`
	DueAt     time.Time `json:"due_at,omitzero"`
	PaidAt    time.Time `json:"paid_at,omitzero"`
	VoidedAt  time.Time `json:"voided_at,omitzero"`
	// VoidReason says why the document was voided; set with VoidedAt.
	VoidReason string `json:"void_reason,omitempty"`
	// CreditedInvoiceID is, on a credit note, the invoice it credits; empty
	// on an invoice.
	CreditedInvoiceID string `json:"credited_invoice_id,omitempty"`
	// Memo is free text shown on the document; on a credit note, the reason
	// for the credit.
	Memo string `json:"memo,omitempty"`
	// CodedReason is, on a credit note, Memo's reason as a code, which
	// documents write in the reader's language; zero when the note was
	// made without one, and always zero on an invoice.
	CodedReason CreditReason `json:"coded_reason,omitzero"`
	// Seller and Buyer are the legal parties as they were when the
	// document was issued (WithParties); nil when none was given, and on
	// documents issued before parties were recorded.
	Seller *Party `json:"seller,omitempty"`
	Buyer  *Party `json:"buyer,omitempty"`
}

// Draft describes a new invoice for New.
type Draft struct {
	// ID, AccountID and ResourceID are required ids.
	ID, AccountID, ResourceID string
	// Currency is the ISO 4217 code of every line, e.g. "VND".
	Currency string
	// TaxMode is the lines' tax mode; required.
	TaxMode TaxMode
	// Lines are the rows; at least one, at most MaxLines.
	Lines []Line
	// CreatedAt is the host clock's reading.
	CreatedAt time.Time
	// Memo is optional free text.
	Memo string
}

// New returns a draft invoice from d: the lines are checked (see Line) and
// copied, and the totals are their sums. Errors: an *ArgumentError
// (ErrInvalidArgument) for a bad id, currency (also matching
// money.ErrUnknownCurrency), tax mode, time or memo; ErrNoLines; a *LineError
// (ErrInvalidLine) naming the first bad line.
func New(d Draft) (Invoice, error) {
	for _, f := range []struct{ name, id string }{{"ID", d.ID}, {"AccountID", d.AccountID}, {"ResourceID", d.ResourceID}} {
		if err := checkID(f.name, f.id); err != nil {
			return Invoice{}, err
		}
	}
	if err := checkTime("CreatedAt", d.CreatedAt); err != nil {
		return Invoice{}, err
	}
	if err := checkText("Memo", d.Memo, false); err != nil {
		return Invoice{}, err
	}
	inv := Invoice{
		ID: d.ID, AccountID: d.AccountID, ResourceID: d.ResourceID, Kind: KindInvoice,
		Status: StatusDraft, Currency: d.Currency, TaxMode: d.TaxMode,
		CreatedAt: d.CreatedAt, Memo: d.Memo,
	}
	return withLines(inv, d.Lines)
}

// WithLines returns a copy of the draft inv with its lines replaced by lines
// and its totals recomputed, checked as New checks them. A document that is
// not a draft gives an *ImmutableError (ErrImmutable): issued documents are
// corrected with credit notes, never edited.
func WithLines(inv Invoice, lines []Line) (Invoice, error) {
	if inv.Status != StatusDraft {
		return Invoice{}, &ImmutableError{ID: inv.ID, Status: inv.Status}
	}
	if err := inv.Validate(); err != nil {
		return Invoice{}, err
	}
	return withLines(inv.Clone(), lines)
}

// withLines sets copies of lines on inv (already a copy) and computes the
// totals; inv's header is checked except for the lines.
func withLines(inv Invoice, lines []Line) (Invoice, error) {
	cur, err := lookupCurrency(inv.Currency)
	if err != nil {
		return Invoice{}, err
	}
	if !inv.TaxMode.Valid() {
		return Invoice{}, &ArgumentError{Name: "TaxMode", Reason: fmt.Sprintf("%q is not exclusive or inclusive", clip(string(inv.TaxMode)))}
	}
	if len(lines) == 0 {
		return Invoice{}, ErrNoLines
	}
	if len(lines) > MaxLines {
		return Invoice{}, &ArgumentError{Name: "Lines", Reason: fmt.Sprintf("has %d lines, more than %d", len(lines), MaxLines)}
	}
	inv.Lines = make([]Line, len(lines))
	for i, l := range lines {
		if err := validateLine(i, l, cur, inv.TaxMode, inv.Kind); err != nil {
			return Invoice{}, err
		}
		inv.Lines[i] = l.Clone()
	}
	t := sumLines(inv.Lines, cur)
	inv.Subtotal, inv.Discount, inv.Net, inv.Tax, inv.Total = t.amount, t.discount, t.net, t.tax, t.total
	z := zeroOf(cur) // amounts are immutable: one zero serves both
	inv.AmountPaid, inv.AmountCredited = z, z
	return inv, nil
}

// totals are the sums of a document's lines.
type totals struct{ amount, discount, net, tax, total money.Amount }

// sumLines adds up lines that are known to be valid in cur, so no addition
// can meet another currency.
func sumLines(lines []Line, cur money.Currency) totals {
	z := zeroOf(cur) // amounts are immutable: one zero starts every sum
	t := totals{z, z, z, z, z}
	for _, l := range lines {
		t.amount, _ = t.amount.Add(l.Amount)
		t.discount, _ = t.discount.Add(l.Discount)
		t.net, _ = t.net.Add(l.Net)
		t.tax, _ = t.tax.Add(l.Tax)
		t.total, _ = t.total.Add(l.Total)
	}
	return t
}

// Coupons returns the after-tax coupons of the lines (Line.Coupon) summed:
// zero except on postpaid bills. It is not stored apart from the lines.
func (inv Invoice) Coupons() money.Amount {
	cur, err := lookupCurrency(inv.Currency)
	if err != nil {
		return money.Amount{}
	}
	sum := zeroOf(cur)
	for _, l := range inv.Lines {
		sum, _ = sum.Add(l.couponIn(cur))
	}
	return sum
}

// lookupCurrency returns the currency of code as an *ArgumentError on failure.
func lookupCurrency(code string) (money.Currency, error) {
	cur, err := money.LookupCurrency(code)
	if err != nil {
		return money.Currency{}, &ArgumentError{Name: "Currency", Reason: fmt.Sprintf("%q is not a known currency", clip(code)), Err: err}
	}
	return cur, nil
}

// Clone returns a copy of inv that shares no slice with it, so changing the
// copy's lines never changes inv.
func (inv Invoice) Clone() Invoice {
	if inv.Seller != nil {
		p := *inv.Seller
		inv.Seller = &p
	}
	if inv.Buyer != nil {
		p := *inv.Buyer
		inv.Buyer = &p
	}
	if inv.Lines != nil {
		lines := make([]Line, len(inv.Lines))
		for i, l := range inv.Lines {
			lines[i] = l.Clone()
		}
		inv.Lines = lines
	}
	return inv
}

// AmountDue returns what is left to pay on an invoice, Total − AmountPaid;
// zero on a credit note, a draft or a void invoice, which are not payable.
// Credit notes do not reduce it: their value goes back to the customer's
// credit, from which the host may then pay the invoice.
func (inv Invoice) AmountDue() money.Amount {
	if inv.Kind != KindInvoice || (inv.Status != StatusIssued && inv.Status != StatusPartiallyPaid) {
		if cur, err := money.LookupCurrency(inv.Currency); err == nil {
			return zeroOf(cur)
		}
		return money.Amount{}
	}
	due, err := inv.Total.Sub(inv.AmountPaid)
	if err != nil {
		return money.Amount{}
	}
	return due
}

// DisplayNumber returns the formatted number, such as "INV-2026-000042", or
// "" while the document has none.
func (inv Invoice) DisplayNumber() string {
	s, err := Format(inv.Series, inv.Number)
	if err != nil {
		return ""
	}
	return s
}
