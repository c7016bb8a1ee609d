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
}

// FromDocument builds the e-invoice of an issued invoice or credit note:
// the parties the document was issued with (invoice.WithParties; a
// document without a seller cannot be one), its lines (LinesOf), its
// currency, the date of issue, and for a credit note the adjustment of the
// e-invoice it corrects (its lines as decreases). The result is checked
// (Invoice.Check). Errors: an *InvoiceError naming what is missing or
// wrong.
func FromDocument(doc invoice.Invoice, is Issue) (Invoice, error) {
	if doc.Seller == nil {
		return Invoice{}, fieldErr("document.seller", "is missing: the document was issued without the seller's legal details")
	}
	loc, err := time.LoadLocation(is.Zone)
	if err != nil || is.Zone == "" {
		return Invoice{}, fieldErr("zone", fmt.Sprintf("%q is not a time zone", clip(is.Zone)))
	}
	sym, err := is.Symbol.ForYear(doc.IssuedAt, loc)
	if err != nil {
		return Invoice{}, fieldErr("symbol", err.Error())
	}
	zero := is.ZeroRate
	if zero == "" {
		zero = VAT0
	}
	lines, err := LinesOf(doc, zero)
	if err != nil {
		return Invoice{}, err
	}
	rate := is.ExchangeRate
	if rate.IsZero() {
		rate = decimal.NewFromInt(1)
	}
	method := is.PaymentMethod
	if method == "" {
		method = "TM/CK"
	}
	out := Invoice{Form: is.Form, Symbol: sym, Number: is.Number, Issued: doc.IssuedAt, Zone: is.Zone,
		Currency: doc.Currency, ExchangeRate: rate, PaymentMethod: method, Seller: oneLineParty(*doc.Seller), Lines: lines}
	if doc.Buyer != nil {
		out.Buyer = oneLineParty(*doc.Buyer)
	}
	switch {
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
	}
	if err := out.Check(); err != nil {
		return Invoice{}, err
	}
	return out, nil
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
