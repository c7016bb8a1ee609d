package einvoice

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Form is the invoice form number (ký hiệu mẫu số hóa đơn, KHMSHDon): one
// digit naming the kind of invoice.
type Form int

// The forms of electronic invoice.
const (
	// FormVAT is a value-added tax invoice (hóa đơn giá trị gia tăng),
	// the invoice of a seller declaring VAT by the credit method.
	FormVAT Form = 1
	// FormSales is a sales invoice (hóa đơn bán hàng), of a seller
	// declaring VAT by the direct method or exporting from a
	// non-tariff zone.
	FormSales Form = 2
)

// Valid reports whether f is a form this package writes.
func (f Form) Valid() bool { return f == FormVAT || f == FormSales }

// Kind letters of a symbol: who issues the invoices of the series and how.
const (
	// KindRegistered (T): invoices of a business registered to use
	// electronic invoices with the tax authority — the usual case.
	KindRegistered byte = 'T'
	// KindCashRegister (M): invoices generated from cash registers.
	KindCashRegister byte = 'M'
)

// Symbol is an invoice symbol (ký hiệu hóa đơn, KHHDon), six characters
// such as "C26TAA": C when the tax authority gives each invoice a code
// (K without one), the last two digits of the year of issue, the kind
// letter, then two upper-case letters the seller picks to tell its series
// apart. Invoices are numbered from 1 within one form, symbol and year.
type Symbol struct {
	// WithCode is true for C (the authority codes every invoice) and
	// false for K.
	WithCode bool
	// Year is the year of issue, 2000 to 2099; the symbol carries its
	// last two digits.
	Year int
	// Kind is the kind letter (KindRegistered, KindCashRegister, …).
	Kind byte
	// Series is the seller's two upper-case letters (A–Z).
	Series string
}

// symbolKinds are the kind letters of the regulation: T registered, D
// special invoices, L issued by the tax authority case by case, M cash
// registers, N and B delivery notes, G and H stamps and tickets.
const symbolKinds = "TDLMNBGH"

// ParseSymbol reads a six-character symbol such as "C26TAA". Errors: a
// *SymbolError saying which character is wrong.
func ParseSymbol(s string) (Symbol, error) {
	if len(s) != 6 {
		return Symbol{}, &SymbolError{Input: clip(s), Reason: "must be 6 characters, as C26TAA"}
	}
	var sym Symbol
	switch s[0] {
	case 'C':
		sym.WithCode = true
	case 'K':
	default:
		return Symbol{}, &SymbolError{Input: s, Reason: "must begin with C (coded by the tax authority) or K (without code)"}
	}
	if !isDigit(s[1]) || !isDigit(s[2]) {
		return Symbol{}, &SymbolError{Input: s, Reason: "characters 2 and 3 must be the year's last two digits"}
	}
	sym.Year = 2000 + int(s[1]-'0')*10 + int(s[2]-'0')
	sym.Kind = s[3]
	sym.Series = s[4:]
	if err := sym.check(); err != nil {
		return Symbol{}, err
	}
	return sym, nil
}

// String writes the symbol as the invoice shows it: "C26TAA".
func (s Symbol) String() string {
	lead := "K"
	if s.WithCode {
		lead = "C"
	}
	return fmt.Sprintf("%s%02d%c%s", lead, s.Year%100, s.Kind, s.Series)
}

// Check reports whether s can be written: a year 2000–2099, a kind letter
// of the regulation and two upper-case letters. Errors: a *SymbolError.
func (s Symbol) Check() error { return s.check() }

func (s Symbol) check() error {
	if s.Year < 2000 || s.Year > 2099 {
		return &SymbolError{Input: strconv.Itoa(s.Year), Reason: "the year must be 2000 to 2099"}
	}
	if s.Kind == 0 || strings.IndexByte(symbolKinds, s.Kind) < 0 {
		return &SymbolError{Input: string(rune(s.Kind)), Reason: "the kind letter must be one of " + symbolKinds}
	}
	if len(s.Series) != 2 || !isUpper(s.Series[0]) || !isUpper(s.Series[1]) {
		return &SymbolError{Input: clip(s.Series), Reason: "the series must be two upper-case letters A–Z"}
	}
	return nil
}

// ForYear returns the symbol of the same series for the year of t in loc
// (an invoice issued at 2027-01-01 00:30 in Asia/Ho_Chi_Minh is in the
// 2027 series even though it is still 2026 in UTC). Errors: a
// *SymbolError for a year outside 2000–2099 or a nil loc.
func (s Symbol) ForYear(t time.Time, loc *time.Location) (Symbol, error) {
	if loc == nil {
		return Symbol{}, &SymbolError{Input: "", Reason: "the zone is nil; pass the seller's time zone"}
	}
	s.Year = t.In(loc).Year()
	return s, s.check()
}

// MaxNumber is the largest invoice number of one form, symbol and year:
// numbers have at most eight digits.
const MaxNumber = 99_999_999

// FormatNumber writes an invoice number as the document shows it, eight
// digits with leading zeros: 42 is "00000042". Errors: a *SymbolError for
// a number outside 1…MaxNumber.
func FormatNumber(n int64) (string, error) {
	if n < 1 || n > MaxNumber {
		return "", &SymbolError{Input: strconv.FormatInt(n, 10), Reason: "an invoice number is 1 to 99999999"}
	}
	return fmt.Sprintf("%08d", n), nil
}

// SeriesKey is the name of the counter an invoice's number is drawn from:
// form and symbol, "1C26TAA". The year is in the symbol, so numbering
// starts again at 1 each year.
func SeriesKey(f Form, s Symbol) string { return strconv.Itoa(int(f)) + s.String() }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// clip shortens what an error quotes to 40 runes, keeping it valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
