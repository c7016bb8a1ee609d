package document

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// MaxTextLen is the longest text an Options field may hold, in bytes.
const MaxTextLen = 2000

// Party is a legal party named on a document: the seller (the provider) or
// the buyer (the customer). The host supplies both; Cloudbill stores
// neither.
type Party struct {
	// Name is the legal name, e.g. "Công ty TNHH Mây Xanh"; required.
	Name string `json:"name"`
	// Address is the postal address; lines are separated by "\n".
	Address string `json:"address,omitempty"`
	// TaxID is the tax identification number, e.g. "0312345678".
	TaxID string `json:"tax_id,omitempty"`
	// Email is an optional contact address.
	Email string `json:"email,omitempty"`
	// Phone is an optional contact number.
	Phone string `json:"phone,omitempty"`
	// BankAccount and BankName are where the party is paid (optional).
	BankAccount string `json:"bank_account,omitempty"`
	BankName    string `json:"bank_name,omitempty"`
	// BuyerName is the person who buys for a buyer organisation
	// (optional).
	BuyerName string `json:"buyer_name,omitempty"`
}

// Options are what one rendering needs besides the document itself.
type Options struct {
	// Seller and Buyer are the legal parties of a document that carries
	// none of its own; both need a Name. A document issued with its
	// parties (invoice.WithParties) always shows those instead, so it
	// reads the same however often, and however late, it is rendered.
	Seller, Buyer Party
	// Locale chooses the labels and the number, money and date formats;
	// "" means EnUS.
	Locale Locale
	// Location is the time zone dates are shown in, normally the account's
	// billing zone; nil means UTC.
	Location *time.Location
	// CreditedInvoiceNumber is, for a credit note, the display number of
	// the invoice it corrects ("INV-2026-000001"), which the note itself
	// does not carry; "" shows the invoice's id instead.
	CreditedInvoiceNumber string
	// Footer is optional text printed at the end of the document (payment
	// instructions, a thank-you note).
	Footer string
}

// View is what a template renders: every value already formatted for the
// locale, in the order the document shows it. Hosts that override the HTML
// template read these fields; Invoice carries the raw document for
// anything else.
type View struct {
	// Lang is the locale's language ("en", "vi"), for <html lang>.
	Lang string
	// Locale is the locale everything below is formatted in.
	Locale Locale
	// Title is the document's heading: the invoice or credit note title.
	Title string
	// IsCreditNote is true for a credit note, false for an invoice.
	IsCreditNote bool
	// Labels are the words of the locale's language, with the host's
	// replacements.
	Labels Labels
	// Number is the display number ("INV-2026-000042"), or Labels.NotNumbered
	// for a draft; Series is the series ("INV-2026"), "" for a draft.
	Number string
	// Series is the number's series ("INV-2026"), "" for a draft.
	Series string
	// Status is the status as the customer reads it ("Paid", "Unpaid").
	Status string
	// StatusCode is the stored status ("paid", "issued"), for styling.
	StatusCode invoice.Status
	// Dates are the document's dates that are set (created, issued, due,
	// paid, voided), as label and value.
	Dates []Field
	// TimeZone names the zone every time is shown in, with its offset.
	TimeZone string
	// Seller and Buyer are the parties, with the address split in lines.
	Seller, Buyer PartyView
	// Corrects is, on a credit note, the number (or id) of the invoice it
	// corrects; Reason is the note's reason. Both "" on an invoice.
	Corrects string
	// Reason is, on a credit note, why it was issued: its Memo, or in
	// another language than English its coded reason in that language
	// when it has one (see FormatCreditReason).
	Reason string
	// Memo is an invoice's free text.
	Memo string
	// VoidReason says why a void document was voided.
	VoidReason string
	// ResourceID is the resource the document is for.
	ResourceID string
	// Currency is the ISO 4217 code of every amount.
	Currency string
	// TaxNote says whether prices include or exclude the tax.
	TaxNote string
	// Lines are the document's lines, in order.
	Lines []LineView
	// Totals are subtotal, discounts, net, the tax per rate and the total,
	// in that order; the last one is the total.
	Totals []Field
	// Settlement is, on an invoice that is not a draft or void, the amount
	// paid, credited (when any) and outstanding.
	Settlement []Field
	// Footer is Options.Footer.
	Footer string
	// Invoice is the rendered document, unchanged.
	Invoice invoice.Invoice
}

// PartyView is a Party as printed: trimmed, in Unicode form C, with the
// address split into its non-empty lines.
type PartyView struct {
	// Name is the legal name.
	Name string
	// AddressLines are the address, one line each.
	AddressLines []string
	// TaxID is the tax identification number, "" when not given.
	TaxID string
	// Email and Phone are the contact details, "" when not given.
	Email, Phone string
	// Details are the block's further lines, each with its label: the
	// buyer's name and the bank account, when given.
	Details []string
}

// LineView is one line as printed.
type LineView struct {
	// No is the line's position, from 1.
	No int
	// Description says what the line is for.
	Description string
	// Period is the span the line pays for, to the minute; "" when the
	// line is not periodic.
	Period string
	// Details explain the line (how it was priced, the coupon's share):
	// in English the line's Details as they were written, in another
	// language its Explain in that language's words and digits (see
	// FormatDetail).
	Details []string
	// Resource ("web-1 · res_1"), Service ("vServer · vserver"), Item,
	// Unit, DiscountRate ("10%") and Coupon (the after-tax coupon and its
	// codes, "5.164 ₫ · POSTPAID20K") are the line's typed fields for
	// people; each "" when the line does not carry it (lines stored before
	// they existed carry none).
	Resource, Service, Item, Unit, DiscountRate, Coupon string
	// Facts are those of the six that are set, each "label: value" in the
	// document's language, in that order: what the templates show under
	// the description.
	Facts []string
	// Quantity is the number of units, exact, in the locale's digits.
	Quantity string
	// UnitPrice, Amount, Discount, Tax and Total are formatted money;
	// Discount is "" when there is none.
	UnitPrice string
	Amount    string
	Discount  string
	// TaxRate is the rate as a percentage ("10%").
	TaxRate string
	Tax     string
	Total   string
}

// Field is a labelled value; Note is an optional qualifier ("on 230.000 ₫")
// and Strong marks the value to emphasise (the total, the outstanding
// amount).
type Field struct {
	// Label names the value ("Total").
	Label string
	// Value is the formatted value.
	Value string
	// Note qualifies the label, "" for none.
	Note string
	// Strong marks a value to emphasise.
	Strong bool
}

// buildView checks inv and opts and formats everything a template needs.
func buildView(inv invoice.Invoice, opts Options, labels func(lang string) Labels) (View, error) {
	if err := inv.Validate(); err != nil {
		return View{}, fmt.Errorf("%w: document: %w", ErrInvalidOptions, err)
	}
	opts, err := opts.withPartiesOf(inv).normalised()
	if err != nil {
		return View{}, err
	}
	l, loc := opts.Locale, opts.Location
	lb := labels(l.Language())
	f := formatter{l: l}
	v := View{
		Lang: l.Language(), Locale: l, Labels: lb, StatusCode: inv.Status,
		IsCreditNote: inv.Kind == invoice.KindCreditNote,
		Seller:       partyView(opts.Seller, lb), Buyer: partyView(opts.Buyer, lb),
		ResourceID: inv.ResourceID, Currency: inv.Currency, Footer: opts.Footer,
		Memo: nfc(inv.Memo), VoidReason: nfc(inv.VoidReason), Invoice: inv.Clone(),
	}
	v.Title = lb.InvoiceTitle
	if v.IsCreditNote {
		v.Title = lb.CreditNoteTitle
		v.Corrects = opts.CreditedInvoiceNumber
		if v.Corrects == "" {
			v.Corrects = inv.CreditedInvoiceID
		}
		v.Reason, v.Memo = creditReason(inv, l), ""
	}
	v.Number, v.Series = inv.DisplayNumber(), inv.Series
	if v.Number == "" {
		v.Number = lb.NotNumbered
	}
	v.Status = statusLabel(inv, lb)
	for _, d := range []struct {
		label string
		at    time.Time
	}{{lb.Created, inv.CreatedAt}, {lb.Issued, inv.IssuedAt}, {lb.Due, inv.DueAt}, {lb.PaidAt, inv.PaidAt}, {lb.VoidedAt, inv.VoidedAt}} {
		if !d.at.IsZero() {
			v.Dates = append(v.Dates, Field{Label: d.label, Value: formatTime(d.at, loc, l)})
		}
	}
	v.TimeZone = formatZone(documentDate(inv), loc)
	v.TaxNote = lb.PricesExclude
	if inv.TaxMode == invoice.TaxInclusive {
		v.TaxNote = lb.PricesInclude
	}
	for i, line := range inv.Lines {
		lv := LineView{
			No: i + 1, Description: nfc(line.Description), Quantity: f.decimal(line.Quantity),
			UnitPrice: f.money(line.UnitPrice), Amount: f.money(line.Amount), TaxRate: f.rate(line),
			Tax: f.money(line.Tax), Total: f.money(line.Total),
		}
		if !line.Discount.IsZero() {
			lv.Discount = f.money(line.Discount)
		}
		if !line.Period.Start.IsZero() {
			lv.Period = formatTime(line.Period.Start, loc, l) + " – " + formatTime(line.Period.End, loc, l)
		}
		lv.Details = lineDetails(line, l)
		lineFacts(&lv, line, lb, f)
		v.Lines = append(v.Lines, lv)
	}
	v.Totals = append(v.Totals, Field{Label: lb.Subtotal, Value: f.money(inv.Subtotal)})
	if !inv.Discount.IsZero() {
		v.Totals = append(v.Totals, Field{Label: lb.Discounts, Value: f.money(inv.Discount.Neg())})
	}
	v.Totals = append(v.Totals, Field{Label: lb.Net, Value: f.money(inv.Net)})
	for _, g := range taxByRate(inv) {
		v.Totals = append(v.Totals, Field{
			Label: lb.Tax + " " + f.groupRate(g), Value: f.money(g.tax),
			Note: lb.TaxOn + " " + f.money(g.base),
		})
	}
	total := lb.GrandTotal
	if v.IsCreditNote {
		total = lb.CreditTotal
	}
	v.Totals = append(v.Totals, Field{Label: total, Value: f.money(inv.Total), Strong: true})
	if !v.IsCreditNote && inv.Status != invoice.StatusDraft && inv.Status != invoice.StatusVoid {
		// Credits are not shown: each credit note is a document of its
		// own, and an issued invoice must read the same after one.
		v.Settlement = append(v.Settlement, Field{Label: lb.AmountPaid, Value: f.money(inv.AmountPaid)})
		v.Settlement = append(v.Settlement, Field{Label: lb.Outstanding, Value: f.money(inv.AmountDue()), Strong: true})
	}
	return v, nil
}

// lineFacts fills the typed fields of lv from line and lists those set as
// Facts.
func lineFacts(lv *LineView, line invoice.Line, lb Labels, f formatter) {
	join := func(a, b string) string {
		switch {
		case a == "" || a == b:
			return nfc(b)
		case b == "":
			return nfc(a)
		}
		return nfc(a) + " · " + nfc(b)
	}
	lv.Resource = join(line.ResourceName, line.ResourceID)
	lv.Service = join(line.Service, line.Product)
	lv.Item, lv.Unit = nfc(line.Item), nfc(unitName(line.Unit, f.l))
	if !line.DiscountRate.IsZero() {
		lv.DiscountRate = f.percent(line.DiscountRate)
	}
	if line.Coupon.IsPositive() {
		lv.Coupon = join(f.money(line.Coupon), strings.Join(line.CouponCodes, ", "))
	}
	for _, fact := range []struct{ label, value string }{{lb.Resource, lv.Resource}, {lb.Service, lv.Service}, {lb.Item, lv.Item},
		{lb.Unit, lv.Unit}, {lb.Discount, lv.DiscountRate}, {lb.Coupon, lv.Coupon}} {
		if fact.value != "" {
			lv.Facts = append(lv.Facts, fact.label+": "+fact.value)
		}
	}
}

// documentDate is the date a document carries: when it was issued, or
// created while it is a draft. It is the PDF's creation date, so output
// depends on the document alone.
func documentDate(inv invoice.Invoice) time.Time {
	if !inv.IssuedAt.IsZero() {
		return inv.IssuedAt
	}
	return inv.CreatedAt
}

// statusLabel is the status as customers read it: an issued invoice is
// Unpaid, an issued credit note Issued.
func statusLabel(inv invoice.Invoice, lb Labels) string {
	switch inv.Status {
	case invoice.StatusDraft:
		return lb.StatusDraft
	case invoice.StatusIssued:
		if inv.Kind == invoice.KindCreditNote {
			return lb.StatusIssued
		}
		return lb.StatusUnpaid
	case invoice.StatusPartiallyPaid:
		return lb.StatusPartiallyPaid
	case invoice.StatusPaid:
		return lb.StatusPaid
	case invoice.StatusVoid:
		return lb.StatusVoid
	}
	return string(inv.Status)
}

// taxGroup is the tax of the lines at one rate and the net it is on.
type taxGroup struct {
	rate      decimal.Decimal
	label     string // the treatment's label ("KCT"), "" for a taxed rate
	base, tax money.Amount
}

// taxByRate sums the lines' net and tax per tax rate, in the order the
// rates first appear; lines without VAT group by why (KCT apart from 0%). inv is valid, so every amount is in one currency.
func taxByRate(inv invoice.Invoice) []taxGroup {
	var groups []taxGroup
	for _, l := range inv.Lines {
		i := 0
		label := l.TaxTreatment.Label()
		for i < len(groups) && !(groups[i].rate.Equal(l.TaxRate) && groups[i].label == label) {
			i++
		}
		if i == len(groups) {
			zero := l.Net.MulInt(0)
			groups = append(groups, taxGroup{rate: l.TaxRate, label: label, base: zero, tax: zero})
		}
		groups[i].base, _ = groups[i].base.Add(l.Net)
		groups[i].tax, _ = groups[i].tax.Add(l.Tax)
	}
	return groups
}

// formatter formats in a locale known to be valid, so it cannot fail.
type formatter struct{ l Locale }

func (f formatter) money(a money.Amount) string {
	s, _ := FormatMoney(a, f.l)
	return s
}

func (f formatter) decimal(d decimal.Decimal) string {
	s, _ := FormatDecimal(d, f.l)
	return s
}

func (f formatter) percent(d decimal.Decimal) string {
	s, _ := FormatPercent(d, f.l)
	return s
}

// withPartiesOf puts the parties a document was issued with in place of
// the options': a document shows its own parties, as they were at issue.
func (o Options) withPartiesOf(inv invoice.Invoice) Options {
	if inv.Seller != nil {
		o.Seller = PartyOf(*inv.Seller)
	}
	if inv.Buyer != nil {
		o.Buyer = PartyOf(*inv.Buyer)
	}
	return o
}

// PartyOf is a document's party as a Party: its name, address, tax code,
// contacts, bank account and buyer's name.
func PartyOf(p invoice.Party) Party {
	return Party{Name: p.Name, Address: p.Address, TaxID: p.TaxCode, Email: p.Email, Phone: p.Phone,
		BankAccount: p.BankAccount, BankName: p.BankName, BuyerName: p.BuyerName}
}

// normalised applies the defaults and checks every field.
func (o Options) normalised() (Options, error) {
	if o.Locale == "" {
		o.Locale = EnUS
	}
	if !o.Locale.Valid() {
		return o, localeError(o.Locale)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	for _, p := range []struct {
		name string
		p    *Party
	}{{"Seller", &o.Seller}, {"Buyer", &o.Buyer}} {
		if strings.TrimSpace(p.p.Name) == "" {
			return o, &OptionError{Field: p.name + ".Name", Reason: "is required"}
		}
		for _, t := range []struct {
			name string
			s    *string
		}{{"Name", &p.p.Name}, {"Address", &p.p.Address}, {"TaxID", &p.p.TaxID}, {"Email", &p.p.Email}, {"Phone", &p.p.Phone},
			{"BankAccount", &p.p.BankAccount}, {"BankName", &p.p.BankName}, {"BuyerName", &p.p.BuyerName}} {
			if err := checkText(p.name+"."+t.name, *t.s, t.name == "Address"); err != nil {
				return o, err
			}
			*t.s = nfc(strings.TrimSpace(*t.s))
		}
	}
	if err := checkText("CreditedInvoiceNumber", o.CreditedInvoiceNumber, false); err != nil {
		return o, err
	}
	if err := checkText("Footer", o.Footer, true); err != nil {
		return o, err
	}
	o.Footer = nfc(o.Footer)
	return o, nil
}

// checkText refuses text that is too long, not UTF-8, or has control
// characters (newlines only where multiline).
func checkText(field, s string, multiline bool) error {
	switch {
	case len(s) > MaxTextLen:
		return &OptionError{Field: field, Reason: fmt.Sprintf("is longer than %d bytes", MaxTextLen)}
	case !utf8.ValidString(s):
		return &OptionError{Field: field, Reason: "is not valid UTF-8"}
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r')) {
			return &OptionError{Field: field, Reason: "contains a control character"}
		}
	}
	return nil
}

func partyView(p Party, lb Labels) PartyView {
	v := PartyView{Name: p.Name, TaxID: p.TaxID, Email: p.Email, Phone: p.Phone}
	if p.BuyerName != "" {
		v.Details = append(v.Details, lb.BuyerName+": "+p.BuyerName)
	}
	if bank := strings.TrimSpace(strings.Join([]string{p.BankAccount, p.BankName}, " ")); bank != "" {
		if p.BankAccount != "" && p.BankName != "" {
			bank = p.BankAccount + " — " + p.BankName
		}
		v.Details = append(v.Details, lb.BankAccount+": "+bank)
	}
	for line := range strings.Lines(strings.ReplaceAll(p.Address, "\r", "")) {
		if line = strings.TrimSpace(line); line != "" {
			v.AddressLines = append(v.AddressLines, line)
		}
	}
	return v
}

// nfc returns s in Unicode normalisation form C, so that "ệ" typed as e +
// two combining marks prints as the one precomposed glyph the font has.
func nfc(s string) string { return norm.NFC.String(s) }
