package einvoice

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// VATRate is a line's VAT treatment as the invoice writes it (TSuat).
type VATRate string

// The VAT treatments of a line.
const (
	VAT0  VATRate = "0%"  // zero-rated: exports and the services treated as exported
	VAT5  VATRate = "5%"  // the reduced rate
	VAT8  VATRate = "8%"  // the temporarily reduced standard rate
	VAT10 VATRate = "10%" // the standard rate
	// VATNotTaxable: goods or services not subject to VAT (không chịu
	// thuế, KCT).
	VATNotTaxable VATRate = "KCT"
	// VATNotDeclared: not declared or paid as VAT (không kê khai, tính
	// nộp thuế, KKKNT).
	VATNotDeclared VATRate = "KKKNT"
)

// rateOrder lists every treatment in the order the totals show them.
func rateOrder() [6]VATRate {
	return [6]VATRate{VAT10, VAT8, VAT5, VAT0, VATNotTaxable, VATNotDeclared}
}

// Percent is the rate in percent and true for a taxed rate (0 %, 5 %, 8 %,
// 10 %); false for the treatments that carry no tax.
func (r VATRate) Percent() (int64, bool) {
	switch r {
	case VAT0:
		return 0, true
	case VAT5:
		return 5, true
	case VAT8:
		return 8, true
	case VAT10:
		return 10, true
	}
	return 0, false
}

// Valid reports whether r is one of the declared treatments.
func (r VATRate) Valid() bool {
	for _, v := range rateOrder() {
		if r == v {
			return true
		}
	}
	return false
}

// Party is a seller's or buyer's legal details as the invoice prints them
// (NBan, NMua): the document's own snapshot, taken when it was issued.
type Party = invoice.Party

// Nature is what a line is (TChat).
type Nature int

// The natures of a line.
const (
	// NatureGoods is goods or a service sold.
	NatureGoods Nature = 1
	// NaturePromotion is goods or a service given free as a promotion.
	NaturePromotion Nature = 2
	// NatureTradeDiscount is a trade discount; its amount reduces the
	// total before tax.
	NatureTradeDiscount Nature = 3
	// NatureNote is a line of text only.
	NatureNote Nature = 4
)

// Line is one line of an e-invoice. For goods: Amount = Quantity ×
// UnitPrice − Discount exactly (rounded half-up to the minor unit), and Tax
// is the line's VAT (zero for the untaxed treatments).
type Line struct {
	Nature Nature `json:"nature"`
	// Code is the seller's code of the goods or service (MHHDVu).
	Code string `json:"code,omitempty"`
	// Name describes the goods or service (THHDVu). Required.
	Name string `json:"name"`
	// Unit is the unit of measure (ĐVT): "tháng", "vCPU", "GB".
	Unit string `json:"unit,omitempty"`
	// Quantity and UnitPrice give Amount before Discount.
	Quantity  decimal.Decimal `json:"quantity"`
	UnitPrice money.Amount    `json:"unit_price"`
	// Discount is the line's discount (STCKhau), already taken off Amount.
	Discount money.Amount `json:"discount"`
	// Amount is the line's amount before VAT (ThTien).
	Amount money.Amount `json:"amount"`
	// VAT is the line's treatment and Tax its VAT amount.
	VAT VATRate      `json:"vat"`
	Tax money.Amount `json:"tax"`
}

// RelationKind is how an invoice relates to an earlier one (TCHDon).
type RelationKind int

// The relations.
const (
	// Replaces: the invoice replaces an earlier one, which is void.
	Replaces RelationKind = 1
	// Adjusts: the invoice adjusts an earlier one; decreases are written
	// as negative amounts.
	Adjusts RelationKind = 2
)

// Related identifies the earlier invoice an adjustment or replacement
// refers to.
type Related struct {
	Kind   RelationKind `json:"kind"`
	Form   Form         `json:"form"`
	Symbol Symbol       `json:"symbol"`
	Number int64        `json:"number"`
	// Issued is the earlier invoice's date of issue.
	Issued time.Time `json:"issued"`
	// Note says why (GChu): "Điều chỉnh giảm do hoàn tiền thời gian chưa
	// dùng".
	Note string `json:"note,omitempty"`
}

// Invoice is a Vietnamese electronic invoice ready to be written as XML.
type Invoice struct {
	Form   Form   `json:"form"`
	Symbol Symbol `json:"symbol"`
	// Number is the 8-digit number, gapless from 1 within form, symbol
	// and year.
	Number int64 `json:"number"`
	// Issued is when it was issued; its date in Zone is the date of issue.
	Issued time.Time `json:"issued"`
	// Zone is the seller's time zone, IANA name ("Asia/Ho_Chi_Minh").
	Zone string `json:"zone"`
	// Currency is the ISO code of every amount; ExchangeRate is VND per
	// unit of it (1 for VND).
	Currency     string          `json:"currency"`
	ExchangeRate decimal.Decimal `json:"exchange_rate"`
	// PaymentMethod is how the buyer pays (HTTToan): "TM/CK" (cash or
	// transfer), "CK", "TM", "Bù trừ công nợ"…
	PaymentMethod string `json:"payment_method"`
	Seller        Party  `json:"seller"`
	Buyer         Party  `json:"buyer"`
	Lines         []Line `json:"lines"`
	// Related is set on an adjustment or a replacement.
	Related *Related `json:"related,omitempty"`
}

// RateTotal is the amount before VAT and the VAT of one treatment.
type RateTotal struct {
	Rate   VATRate
	Amount money.Amount
	Tax    money.Amount
}

// Totals are an invoice's sums (TToan). They reconcile exactly:
// Σ ByRate.Amount = BeforeTax, Σ ByRate.Tax = Tax, Payable = BeforeTax +
// Tax, and BeforeTax is the goods lines' amounts less the trade discounts.
type Totals struct {
	// ByRate has one entry per treatment used, 10 % first.
	ByRate []RateTotal
	// BeforeTax is the total before VAT (TgTCThue); Tax the total VAT
	// (TgTThue); TradeDiscount the trade discounts (TTCKTMai); Payable the
	// total to pay (TgTTTBSo).
	BeforeTax, Tax, TradeDiscount, Payable money.Amount
	// InWords is Payable in Vietnamese words (TgTTTBChu); a negative
	// adjustment is written "Âm …".
	InWords string
}

// Longest texts an invoice accepts, in runes (the authority's field
// lengths).
const (
	MaxNameRunes    = 400
	MaxAddressRunes = 400
	MaxLineRunes    = 500
	MaxUnitRunes    = 50
	MaxCodeRunes    = 50
	MaxNoteRunes    = 255
	MaxLines        = 10_000
)

// Check reports whether the invoice can be written: a form, a symbol and a
// number in range, the symbol's year the year of issue in Zone, the
// seller's name, tax code and address, every line's fields and arithmetic,
// negative amounts only on an adjustment, and one currency throughout.
// Errors: an *InvoiceError naming the field.
func (inv Invoice) Check() error {
	if !inv.Form.Valid() {
		return fieldErr("form", "must be 1 (VAT invoice) or 2 (sales invoice)")
	}
	if err := inv.Symbol.Check(); err != nil {
		return fieldErr("symbol", err.Error())
	}
	if _, err := FormatNumber(inv.Number); err != nil {
		return fieldErr("number", err.Error())
	}
	loc, err := time.LoadLocation(inv.Zone)
	if err != nil || inv.Zone == "" {
		return fieldErr("zone", fmt.Sprintf("%q is not a time zone", clip(inv.Zone)))
	}
	if inv.Issued.IsZero() {
		return fieldErr("issued", "is required")
	}
	if y := inv.Issued.In(loc).Year(); y != inv.Symbol.Year {
		return fieldErr("symbol", fmt.Sprintf("is of %d but the invoice is issued in %d", inv.Symbol.Year, y))
	}
	if !inv.ExchangeRate.IsPositive() {
		return fieldErr("exchange_rate", "must be positive (1 for VND)")
	}
	if inv.Currency == "VND" && !inv.ExchangeRate.Equal(decimal.NewFromInt(1)) {
		return fieldErr("exchange_rate", "must be 1 for VND")
	}
	if err := checkText("payment_method", inv.PaymentMethod, 50, true); err != nil {
		return err
	}
	if err := checkParty("seller", inv.Seller, true); err != nil {
		return err
	}
	if err := checkParty("buyer", inv.Buyer, false); err != nil {
		return err
	}
	if len(inv.Lines) == 0 || len(inv.Lines) > MaxLines {
		return fieldErr("lines", fmt.Sprintf("must be 1 to %d", MaxLines))
	}
	adjusting := inv.Related != nil && inv.Related.Kind == Adjusts
	for i, l := range inv.Lines {
		if err := inv.checkLine(l, adjusting); err != nil {
			err.Field = fmt.Sprintf("lines[%d].%s", i, err.Field)
			return err
		}
	}
	if inv.Related != nil {
		return checkRelated(*inv.Related)
	}
	return nil
}

func (inv Invoice) checkLine(l Line, adjusting bool) *InvoiceError {
	switch l.Nature {
	case NatureGoods, NaturePromotion, NatureTradeDiscount, NatureNote:
	default:
		return fieldErr("nature", "must be 1 to 4")
	}
	if err := checkText("name", l.Name, MaxLineRunes, true); err != nil {
		return err
	}
	if err := checkText("unit", l.Unit, MaxUnitRunes, false); err != nil {
		return err
	}
	if err := checkText("code", l.Code, MaxCodeRunes, false); err != nil {
		return err
	}
	if l.Nature == NatureNote {
		return nil
	}
	if !l.VAT.Valid() {
		return fieldErr("vat", fmt.Sprintf("%q is not a VAT treatment", clip(string(l.VAT))))
	}
	for _, a := range []struct {
		name string
		v    money.Amount
	}{{"unit_price", l.UnitPrice}, {"discount", l.Discount}, {"amount", l.Amount}, {"tax", l.Tax}} {
		if a.v.Currency().Code() != inv.Currency {
			return fieldErr(a.name, fmt.Sprintf("is in %q, not the invoice's %s", a.v.Currency().Code(), inv.Currency))
		}
		if a.name == "unit_price" {
			if -a.v.Number().Exponent() > maxUnitPricePlaces {
				return fieldErr(a.name, fmt.Sprintf("has more than %d decimal places", maxUnitPricePlaces))
			}
		} else if !a.v.IsRounded() {
			return fieldErr(a.name, "is finer than the currency's minor unit")
		}
		if a.v.IsNegative() && !adjusting {
			return fieldErr(a.name, "is negative; only an adjustment invoice writes decreases")
		}
	}
	if l.Quantity.IsNegative() && !adjusting {
		return fieldErr("quantity", "is negative; only an adjustment invoice writes decreases")
	}
	gross := l.UnitPrice.Mul(l.Quantity).Round(money.HalfUp)
	want, err := gross.Sub(l.Discount)
	if err != nil || !want.Equal(l.Amount) {
		return fieldErr("amount", fmt.Sprintf("%s is not quantity %s × unit price %s − discount %s",
			l.Amount.Number(), l.Quantity, l.UnitPrice.Number(), l.Discount.Number()))
	}
	if _, taxed := l.VAT.Percent(); !taxed && !l.Tax.IsZero() {
		return fieldErr("tax", fmt.Sprintf("must be zero for %s", l.VAT))
	}
	return nil
}

func checkParty(name string, p Party, seller bool) *InvoiceError {
	if err := checkText(name+".name", p.Name, MaxNameRunes, seller); err != nil {
		return err
	}
	if err := checkText(name+".address", p.Address, MaxAddressRunes, seller); err != nil {
		return err
	}
	if (seller || p.TaxCode != "") && !ValidTaxCode(p.TaxCode) {
		return fieldErr(name+".tax_code", fmt.Sprintf("%q is not a tax code (10 digits, 10-3 for a branch, or 12)", clip(p.TaxCode)))
	}
	for _, f := range []struct{ field, v string }{{"phone", p.Phone}, {"email", p.Email}, {"bank_account", p.BankAccount},
		{"bank_name", p.BankName}, {"buyer_name", p.BuyerName}} {
		if err := checkText(name+"."+f.field, f.v, MaxNameRunes, false); err != nil {
			return err
		}
	}
	return nil
}

func checkRelated(r Related) error {
	if r.Kind != Replaces && r.Kind != Adjusts {
		return fieldErr("related.kind", "must be 1 (replaces) or 2 (adjusts)")
	}
	if !r.Form.Valid() {
		return fieldErr("related.form", "must be 1 or 2")
	}
	if err := r.Symbol.Check(); err != nil {
		return fieldErr("related.symbol", err.Error())
	}
	if _, err := FormatNumber(r.Number); err != nil {
		return fieldErr("related.number", err.Error())
	}
	if r.Issued.IsZero() {
		return fieldErr("related.issued", "is required")
	}
	if err := checkText("related.note", r.Note, MaxNoteRunes, false); err != nil {
		return err
	}
	return nil
}

// ValidTaxCode reports whether s has the shape of a Vietnamese tax code:
// 10 digits, 10 digits and a 3-digit branch suffix after a hyphen, or a
// 12-digit personal identity number.
func ValidTaxCode(s string) bool {
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				return false
			}
		}
		return s != ""
	}
	switch len(s) {
	case 10, 12:
		return digits(s)
	case 14:
		return digits(s[:10]) && s[10] == '-' && digits(s[11:])
	}
	return false
}

// checkText refuses invalid UTF-8, control characters, a text longer than
// max runes, and a missing required one.
func checkText(field, s string, max int, required bool) *InvoiceError {
	if required && strings.TrimSpace(s) == "" {
		return fieldErr(field, "is required")
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, "is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fieldErr(field, fmt.Sprintf("has %d characters, at most %d", n, max))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fieldErr(field, "contains a control character")
		}
	}
	return nil
}

// Totals sums the invoice per VAT treatment and writes the total in words.
// It checks the invoice first (see Check).
func (inv Invoice) Totals() (Totals, error) {
	if err := inv.Check(); err != nil {
		return Totals{}, err
	}
	zero, err := money.Zero(inv.Currency)
	if err != nil {
		return Totals{}, fieldErr("currency", err.Error())
	}
	var k money.Calc
	t := Totals{BeforeTax: zero, Tax: zero, TradeDiscount: zero}
	byRate := map[VATRate]*RateTotal{}
	for _, l := range inv.Lines {
		if l.Nature == NatureNote || l.Nature == NaturePromotion {
			continue
		}
		rt := byRate[l.VAT]
		if rt == nil {
			rt = &RateTotal{Rate: l.VAT, Amount: zero, Tax: zero}
			byRate[l.VAT] = rt
		}
		amount := l.Amount
		if l.Nature == NatureTradeDiscount {
			t.TradeDiscount = k.Add(t.TradeDiscount, l.Amount)
			amount = l.Amount.Neg()
		}
		rt.Amount = k.Add(rt.Amount, amount)
		rt.Tax = k.Add(rt.Tax, taxSign(l))
		t.BeforeTax = k.Add(t.BeforeTax, amount)
		t.Tax = k.Add(t.Tax, taxSign(l))
	}
	for _, r := range rateOrder() {
		if rt := byRate[r]; rt != nil {
			t.ByRate = append(t.ByRate, *rt)
		}
	}
	t.Payable = k.Add(t.BeforeTax, t.Tax)
	if err := k.Err(); err != nil {
		return Totals{}, fieldErr("lines", err.Error())
	}
	words, err := AmountInWords(t.Payable.Abs())
	if err != nil {
		return Totals{}, fieldErr("currency", err.Error())
	}
	if t.Payable.IsNegative() {
		words = "Âm " + strings.ToLower(words[:1]) + words[1:]
	}
	t.InWords = words
	return t, nil
}

// taxSign is a line's VAT with the sign it has in the totals: a trade
// discount reduces the tax it carries.
func taxSign(l Line) money.Amount {
	if l.Nature == NatureTradeDiscount {
		return l.Tax.Neg()
	}
	return l.Tax
}
