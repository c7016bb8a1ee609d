package einvoice

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/invoice"
)

// Issue says how an issued document becomes an e-invoice: its place in
// the e-invoice series and what the document itself does not carry.
type Issue struct {
	// Form and Symbol name the series; Symbol's year is set from the
	// document's date of issue in Zone.
	Form   Form
	Symbol Symbol
	// Number is the next number of that series and year (see SeriesKey):
	// the caller draws it in the transaction that stores the e-invoice.
	Number int64
	// Zone is the seller's time zone (IANA), whose date is the date of
	// issue.
	Zone string
	// PaymentMethod is how the buyer pays (HTTToan), "TM/CK" if empty.
	PaymentMethod string
	// ExchangeRate is VND per unit of the document's currency; zero means
	// 1, which only VND may use.
	ExchangeRate decimal.Decimal
	// ZeroRate is how a line taxed at 0 % is declared: VAT0,
	// VATNotTaxable or VATNotDeclared; VAT0 if empty.
	ZeroRate VATRate
	// Adjusts is the e-invoice a credit note adjusts: required for a
	// credit note, refused for an invoice.
	Adjusts *Related
	// Replaces is the e-invoice this one replaces (with the same content
	// and, where it was wrong, the buyer corrected): only for invoices, and
	// not with Adjusts.
	Replaces *Related
	// IssuedAt is the date of issue; the zero time means the document's
	// own (the latest of FromDocuments' documents).
	IssuedAt time.Time
	// Buyer, when set, is stated instead of the documents' buyer: a
	// replacement's corrected legal details.
	Buyer *Party
}

// FromDocument builds the e-invoice of an issued invoice or credit note:
// the parties the document was issued with (invoice.WithParties; a
// document without a seller cannot be one), its lines (LinesOf), its
// currency, the date of issue, and for a credit note the adjustment of the
// e-invoice it corrects (its lines as decreases). The result is checked
// (Invoice.Check). Errors: an *InvoiceError naming what is missing or
// wrong.
func FromDocument(doc invoice.Invoice, is Issue) (Invoice, error) {
	return FromDocuments([]invoice.Invoice{doc}, is)
}

// FromDocuments builds one e-invoice stating several issued documents of
// one kind, currency, tax mode and parties, in order: the per-resource
// invoices of one order, say. The seller and buyer are the first
// document's, the lines are each document's in turn, and the date of issue
// is is.IssuedAt, or the latest document's. Errors: as FromDocument, and an
// *InvoiceError when the documents differ in kind, currency, tax mode or
// parties, or when there are none.
func FromDocuments(docs []invoice.Invoice, is Issue) (Invoice, error) {
	if len(docs) == 0 {
		return Invoice{}, fieldErr("documents", "is empty")
	}
	doc := docs[0]
	issued := is.IssuedAt
	for i, d := range docs {
		if i > 0 {
			if err := sameHeading(doc, d); err != nil {
				return Invoice{}, fieldErr(fmt.Sprintf("documents[%d]", i), err.Error())
			}
		}
		if is.IssuedAt.IsZero() && d.IssuedAt.After(issued) {
			issued = d.IssuedAt
		}
	}
	if doc.Seller == nil {
		return Invoice{}, fieldErr("document.seller", "is missing: the document was issued without the seller's legal details")
	}
	loc, err := time.LoadLocation(is.Zone)
	if err != nil || is.Zone == "" {
		return Invoice{}, fieldErr("zone", fmt.Sprintf("%q is not a time zone", clip(is.Zone)))
	}
	sym, err := is.Symbol.ForYear(issued, loc)
	if err != nil {
		return Invoice{}, fieldErr("symbol", err.Error())
	}
	zero := is.ZeroRate
	if zero == "" {
		zero = VAT0
	}
	var lines []Line
	for _, d := range docs {
		ls, err := LinesOf(d, zero)
		if err != nil {
			return Invoice{}, err
		}
		lines = append(lines, ls...)
	}
	rate := is.ExchangeRate
	if rate.IsZero() {
		rate = decimal.NewFromInt(1)
	}
	method := is.PaymentMethod
	if method == "" {
		method = "TM/CK"
	}
	out := Invoice{Form: is.Form, Symbol: sym, Number: is.Number, Issued: issued, Zone: is.Zone,
		Currency: doc.Currency, ExchangeRate: rate, PaymentMethod: method, Seller: oneLineParty(*doc.Seller), Lines: lines}
	switch {
	case is.Buyer != nil:
		out.Buyer = oneLineParty(*is.Buyer)
	case doc.Buyer != nil:
		out.Buyer = oneLineParty(*doc.Buyer)
	}
	switch {
	case is.Adjusts != nil && is.Replaces != nil:
		return Invoice{}, fieldErr("replaces", "is set with adjusts; an e-invoice does one or the other")
	case doc.Kind == invoice.KindCreditNote && is.Adjusts == nil:
		return Invoice{}, fieldErr("adjusts", "is required for a credit note: the e-invoice it adjusts")
	case doc.Kind == invoice.KindCreditNote:
		rel := *is.Adjusts
		rel.Kind = Adjusts
		if rel.Note == "" {
			rel.Note = clipRunes(oneLine(doc.Memo), MaxNoteRunes)
		}
		out.Related = &rel
	case is.Adjusts != nil:
		return Invoice{}, fieldErr("adjusts", "is set on an invoice; only a credit note adjusts")
	case is.Replaces != nil:
		rel := *is.Replaces
		rel.Kind = Replaces
		out.Related = &rel
	}
	if err := out.Check(); err != nil {
		return Invoice{}, err
	}
	return out, nil
}

// sameHeading says why b cannot share an e-invoice with a, or nil.
func sameHeading(a, b invoice.Invoice) error {
	switch {
	case a.Kind != b.Kind:
		return fmt.Errorf("is a %s, the first a %s", b.Kind, a.Kind)
	case a.Currency != b.Currency:
		return fmt.Errorf("is in %s, the first in %s", b.Currency, a.Currency)
	case a.TaxMode != b.TaxMode:
		return fmt.Errorf("states prices %s of tax, the first %s", b.TaxMode, a.TaxMode)
	case !sameParty(a.Seller, b.Seller) || !sameParty(a.Buyer, b.Buyer):
		return fmt.Errorf("was issued to or by other parties than the first")
	}
	return nil
}

func sameParty(a, b *Party) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// oneLineParty is p with its address on one line, as the e-invoice's DChi
// holds it: a document's address may have a line per line of the
// envelope, which the e-invoice joins with commas.
func oneLineParty(p Party) Party {
	var lines []string
	for l := range strings.Lines(p.Address) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	p.Address = strings.Join(lines, ", ")
	return p
}

// oneLine turns the control characters a memo may have (line breaks,
// tabs) into spaces: an e-invoice's note is one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// clipRunes keeps the first n runes of s.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
