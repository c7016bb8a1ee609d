package einvoice

import (
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing/money"
)

// UnitNames are the Vietnamese names of a currency's major and minor units
// as a total in words writes them ("đồng"; "đô la Mỹ" and "xu").
type UnitNames struct {
	// Major names the currency's unit. Required.
	Major string
	// Minor names its minor unit; needed only for a currency with minor
	// digits and an amount that has some.
	Minor string
}

// UnitNamesOf returns the unit names AmountInWords uses for a currency
// code (the currencies an invoice in Vietnam most often uses), and false
// for a currency it has none for; AmountInWordsNamed takes any names.
func UnitNamesOf(code string) (UnitNames, bool) {
	switch code {
	case "VND":
		return UnitNames{Major: "đồng"}, true
	case "USD":
		return UnitNames{Major: "đô la Mỹ", Minor: "xu"}, true
	case "EUR":
		return UnitNames{Major: "euro", Minor: "xu"}, true
	case "GBP":
		return UnitNames{Major: "bảng Anh", Minor: "xu"}, true
	case "JPY":
		return UnitNames{Major: "yên"}, true
	case "CNY":
		return UnitNames{Major: "nhân dân tệ", Minor: "xu"}, true
	case "KRW":
		return UnitNames{Major: "won"}, true
	case "SGD":
		return UnitNames{Major: "đô la Singapore", Minor: "xu"}, true
	case "AUD":
		return UnitNames{Major: "đô la Úc", Minor: "xu"}, true
	case "THB":
		return UnitNames{Major: "baht", Minor: "satang"}, true
	}
	return UnitNames{}, false
}

// AmountInWords writes a non-negative amount in Vietnamese words, as the
// "total in words" line of a VAT invoice reads, capitalised, with the
// currency's unit names: 356,711 VND is "Ba trăm năm mươi sáu nghìn bảy
// trăm mười một đồng"; 1,234.56 USD is "Một nghìn hai trăm ba mươi bốn đô
// la Mỹ và năm mươi sáu xu". Zero minor units are left out; an amount of
// minor units only is written without the major unit ("Năm xu"). A
// currency UnitNamesOf does not know is refused with ErrUnknownCurrency;
// AmountInWordsNamed takes the names from the caller.
func AmountInWords(a money.Amount) (string, error) {
	u, ok := UnitNamesOf(a.Currency().Code())
	if !ok {
		return "", fmt.Errorf("%w: no Vietnamese unit names for %s", ErrUnknownCurrency, a.Currency().Code())
	}
	return AmountInWordsNamed(a, u)
}

// AmountInWordsNamed is AmountInWords with the unit names given. It
// refuses a negative amount, an amount with more digits than its currency
// has (ErrAmount), and a missing name (ErrUnknownCurrency).
func AmountInWordsNamed(a money.Amount, u UnitNames) (string, error) {
	if a.IsNegative() {
		return "", fmt.Errorf("%w: %s is negative", ErrAmount, a.Number())
	}
	if !a.IsRounded() {
		return "", fmt.Errorf("%w: %s has more than %d decimals", ErrAmount, a.Number(), a.Currency().Digits())
	}
	if u.Major == "" {
		return "", fmt.Errorf("%w: no name for the unit of %s", ErrUnknownCurrency, a.Currency().Code())
	}
	digits := a.Currency().Digits()
	minor := a.Number().Shift(digits).BigInt()
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	major, rest := new(big.Int).QuoRem(minor, scale, new(big.Int))
	var text string
	switch {
	case rest.Sign() == 0:
		text = BigNumberInWords(major) + " " + u.Major
	case u.Minor == "":
		return "", fmt.Errorf("%w: no name for the minor unit of %s", ErrUnknownCurrency, a.Currency().Code())
	case major.Sign() == 0:
		text = BigNumberInWords(rest) + " " + u.Minor
	default:
		text = BigNumberInWords(major) + " " + u.Major + " và " + BigNumberInWords(rest) + " " + u.Minor
	}
	return capitalise(text), nil
}

// capitalise upper-cases the first letter, as a sentence begins.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// digitWords are the digits' names when they stand alone.
var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// billion is 10⁹, one "tỷ": the scale that repeats ("một nghìn tỷ" is
// 10¹², "một triệu tỷ" 10¹⁵, "một tỷ tỷ" 10¹⁸).
const billion = 1_000_000_000

// NumberInWords writes n in lower-case Vietnamese words: 0 is "không",
// 15 "mười lăm", 21 "hai mươi mốt", 105 "một trăm linh năm", 1,005,000
// "một triệu không trăm linh năm nghìn", 10¹² "một nghìn tỷ". A group of
// three digits after a larger one is read in full ("không trăm", "linh");
// groups of zeros are left out.
func NumberInWords(n uint64) string {
	if n == 0 {
		return digitWords[0]
	}
	var b strings.Builder
	writeNumber(&b, n)
	return b.String()
}

// BigNumberInWords is NumberInWords for a non-negative integer of any
// size; a negative one is written as its absolute value.
func BigNumberInWords(n *big.Int) string {
	if n.IsUint64() {
		return NumberInWords(n.Uint64())
	}
	if n.Sign() < 0 {
		return BigNumberInWords(new(big.Int).Neg(n))
	}
	q, r := new(big.Int).QuoRem(n, big.NewInt(billion), new(big.Int))
	s := BigNumberInWords(q) + " tỷ"
	if r.Sign() != 0 {
		var b strings.Builder
		writeBelowBillion(&b, r.Uint64(), true)
		s += " " + b.String()
	}
	return s
}

// writeNumber writes n > 0: the part above a billion recursively, then
// "tỷ", then the rest read in full.
func writeNumber(b *strings.Builder, n uint64) {
	q, r := n/billion, n%billion
	if q > 0 {
		writeNumber(b, q)
		b.WriteString(" tỷ")
		if r > 0 {
			b.WriteByte(' ')
			writeBelowBillion(b, r, true)
		}
		return
	}
	writeBelowBillion(b, r, false)
}

// writeBelowBillion writes 0 < n < 10⁹ as up to three groups (triệu,
// nghìn, units). full says a larger part precedes, so the first group is
// read with its leading zeros too.
func writeBelowBillion(b *strings.Builder, n uint64, full bool) {
	groups := [3]uint64{n / 1_000_000, n / 1_000 % 1_000, n % 1_000}
	scales := [3]string{"triệu", "nghìn", ""}
	first := true
	for i, g := range groups {
		if g == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		writeGroup(b, g, full || !first)
		if scales[i] != "" {
			b.WriteString(" " + scales[i])
		}
		first = false
	}
}

// writeGroup writes 0 < g < 1000. full reads a zero hundreds digit
// ("không trăm") and a zero tens digit before units ("linh").
func writeGroup(b *strings.Builder, g uint64, full bool) {
	h, t, u := g/100, g/10%10, g%10
	var words []string
	if h > 0 || full {
		words = append(words, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u > 0 && len(words) > 0:
		words = append(words, "linh")
	case t == 1:
		words = append(words, "mười")
	case t > 1:
		words = append(words, digitWords[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t > 1:
		words = append(words, "mốt")
	case u == 5 && t > 0:
		words = append(words, "lăm")
	default:
		words = append(words, digitWords[u])
	}
	b.WriteString(strings.Join(words, " "))
}
