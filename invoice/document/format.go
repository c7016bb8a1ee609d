package document

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Locale says how a document writes numbers, money and dates, and which
// labels it uses. The names are BCP 47 tags; only the locales below are
// supported, and any other is an *OptionError.
type Locale string

// The supported locales.
const (
	// EnUS writes "$1,234.50", "₫230,000", "Apr 5, 2026 09:00" and English
	// labels. It is the default.
	EnUS Locale = "en-US"
	// ViVN writes "230.000 ₫", "1.234,50 US$", "05/04/2026 09:00" and
	// Vietnamese labels.
	ViVN Locale = "vi-VN"
)

// Locales returns the supported locales, default first.
func Locales() []Locale { return []Locale{EnUS, ViVN} }

// Valid reports whether l is a supported locale. The empty Locale is not
// valid; Options treats it as EnUS.
func (l Locale) Valid() bool { return l == EnUS || l == ViVN }

// Language returns the locale's language subtag ("en", "vi"): the key of
// Config.Labels and the HTML lang attribute.
func (l Locale) Language() string {
	lang, _, _ := strings.Cut(string(l), "-")
	return lang
}

// numberStyle is how a locale groups and separates digits.
type numberStyle struct {
	group, decimal string
	// symbolFirst puts the currency sign before the number ("$1.00"),
	// otherwise after it with a space ("1,00 US$").
	symbolFirst bool
}

// style returns l's number style; l must be valid.
func (l Locale) style() numberStyle {
	if l == ViVN {
		return numberStyle{group: ".", decimal: ",", symbolFirst: false}
	}
	return numberStyle{group: ",", decimal: ".", symbolFirst: true}
}

// symbol is the currency sign CLDR gives code in l ("₫", "US$" in vi-VN,
// "$" in en-US), from golang.org/x/text/currency; a currency without one
// is written with its ISO code ("KWD").
func (l Locale) symbol(code string) string {
	u, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	return message.NewPrinter(language.Make(string(l))).Sprint(currency.Symbol(u))
}

// endsInLetter reports whether s ends in a letter: CLDR's currency spacing
// puts a no-break space between such a sign and the digits ("KWD 12.345",
// "SGD 5.00"), none after a symbol ("$5.00", "CN¥5.00").
func endsInLetter(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r)
}

// nbsp is the no-break space CLDR puts between a number and its currency.
const nbsp = "\u00a0"

// FormatMoney writes a for people in locale l as CLDR writes money, with
// its exact value: the sign CLDR gives the currency in the locale
// (golang.org/x/text/currency), the locale's digit grouping, and the
// currency's minor digits at least, and every further non-zero digit a has
// (a unit price of 7.7 VND is "7,7 ₫" in vi-VN, never rounded to 8). Digits
// are grouped by thousands. Examples:
//
//	230000 VND, vi-VN → "230.000 ₫"      230000 VND, en-US → "₫230,000"
//	1234.5 USD, en-US → "$1,234.50"      1234.5 USD, vi-VN → "1.234,50 US$"
//	12.345 KWD, en-US → "KWD 12.345"     -5 USD, en-US     → "-$5.00"
//
// The zero Amount (no currency) is "". An unsupported locale is an
// *OptionError. The amount's own String is unchanged; this is only its
// display.
func FormatMoney(a money.Amount, l Locale) (string, error) {
	if !l.Valid() {
		return "", localeError(l)
	}
	if a.Currency().IsZero() {
		return "", nil
	}
	// String is "<plain number> <code>", exact and never in exponent form.
	number, code, _ := strings.Cut(a.String(), " ")
	st := l.style()
	neg := strings.HasPrefix(number, "-")
	number = strings.TrimPrefix(number, "-")
	digits := groupNumber(number, st)
	sign := ""
	if neg {
		sign = "-"
	}
	sym := l.symbol(code)
	// A no-break space keeps the number and its currency on one line, as
	// CLDR writes them ("230.000 ₫", "KWD 12.345").
	switch {
	case st.symbolFirst && endsInLetter(sym):
		return sign + sym + nbsp + digits, nil
	case st.symbolFirst:
		return sign + sym + digits, nil
	default:
		return sign + digits + nbsp + sym, nil
	}
}

// FormatDecimal writes a non-money number (a quantity) in locale l, exactly:
// 1234.5 is "1,234.5" in en-US and "1.234,5" in vi-VN. An unsupported
// locale is an *OptionError.
func FormatDecimal(d decimal.Decimal, l Locale) (string, error) {
	if !l.Valid() {
		return "", localeError(l)
	}
	s := plainDecimal(d)
	neg := strings.HasPrefix(s, "-")
	out := groupNumber(strings.TrimPrefix(s, "-"), l.style())
	if neg {
		out = "-" + out
	}
	return out, nil
}

// FormatPercent writes a rate given as a fraction as a percentage, exactly:
// 0.1 is "10%", 0.055 is "5.5%" in en-US and "5,5%" in vi-VN. An
// unsupported locale is an *OptionError.
func FormatPercent(rate decimal.Decimal, l Locale) (string, error) {
	s, err := FormatDecimal(rate.Shift(2), l)
	if err != nil {
		return "", err
	}
	return s + "%", nil
}

// plainDecimal writes d without exponent and without trailing fractional
// zeros, independently of shopspring's package-level settings.
func plainDecimal(d decimal.Decimal) string {
	s := d.String() // plain notation; trailing zeros already trimmed
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "" || s == "-" {
		return "0"
	}
	return s
}

// groupNumber regroups an unsigned plain decimal ("1234567.5") in st's
// style.
func groupNumber(number string, st numberStyle) string {
	intPart, frac, hasFrac := strings.Cut(number, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(st.group)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString(st.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// formatTime writes t to the minute in loc: "Apr 5, 2026 09:00" (en-US) or
// "05/04/2026 09:00" (vi-VN); "" for the zero time. l must be valid.
func formatTime(t time.Time, loc *time.Location, l Locale) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if l == ViVN {
		return t.Format("02/01/2006 15:04")
	}
	return fmt.Sprintf("%s %d, %d %s", t.Month().String()[:3], t.Day(), t.Year(), t.Format("15:04"))
}

// formatZone names loc with its offset at t: "Asia/Ho_Chi_Minh (UTC+07:00)".
func formatZone(t time.Time, loc *time.Location) string {
	_, off := t.In(loc).Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s (UTC%c%02d:%02d)", loc.String(), sign, off/3600, off%3600/60)
}

func localeError(l Locale) error {
	return &OptionError{Field: "Locale", Reason: fmt.Sprintf("%q is not one of %v", clip(string(l)), Locales())}
}
