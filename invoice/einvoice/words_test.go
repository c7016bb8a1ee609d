package einvoice_test

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

func TestNumberInWordsWorkedValues(t *testing.T) {
	cases := []struct {
		n    uint64
		want string
	}{
		{0, "không"},
		{1, "một"},
		{5, "năm"},
		{10, "mười"},
		{11, "mười một"},
		{14, "mười bốn"},
		{15, "mười lăm"},
		{20, "hai mươi"},
		{21, "hai mươi mốt"},
		{24, "hai mươi bốn"},
		{25, "hai mươi lăm"},
		{55, "năm mươi lăm"},
		{100, "một trăm"},
		{101, "một trăm linh một"},
		{105, "một trăm linh năm"},
		{110, "một trăm mười"},
		{115, "một trăm mười lăm"},
		{121, "một trăm hai mươi mốt"},
		{1_000, "một nghìn"},
		{1_005, "một nghìn không trăm linh năm"},
		{1_010, "một nghìn không trăm mười"},
		{10_000, "mười nghìn"},
		{100_000, "một trăm nghìn"},
		{356_711, "ba trăm năm mươi sáu nghìn bảy trăm mười một"},
		{1_000_000, "một triệu"},
		{1_005_000, "một triệu không trăm linh năm nghìn"},
		{2_000_010, "hai triệu không trăm mười"},
		{1_112_500, "một triệu một trăm mười hai nghìn năm trăm"},
		{1_000_000_000, "một tỷ"},
		{1_000_000_005, "một tỷ không trăm linh năm"},
		{2_500_000_000, "hai tỷ năm trăm triệu"},
		{1_000_000_000_000, "một nghìn tỷ"},
		{1_000_000_000_000_000, "một triệu tỷ"},
		{1_000_000_000_000_000_000, "một tỷ tỷ"},
		{18_446_744_073_709_551_615, "mười tám tỷ bốn trăm bốn mươi sáu triệu bảy trăm bốn mươi bốn nghìn không trăm bảy mươi ba tỷ bảy trăm linh chín triệu năm trăm năm mươi mốt nghìn sáu trăm mười lăm"},
	}
	for _, c := range cases {
		if got := einvoice.NumberInWords(c.n); got != c.want {
			t.Errorf("NumberInWords(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestAmountInWordsWorkedValues(t *testing.T) {
	cases := []struct {
		amount, currency, want string
	}{
		{"356711", "VND", "Ba trăm năm mươi sáu nghìn bảy trăm mười một đồng"},
		{"0", "VND", "Không đồng"},
		{"1112500", "VND", "Một triệu một trăm mười hai nghìn năm trăm đồng"},
		{"1234.56", "USD", "Một nghìn hai trăm ba mươi bốn đô la Mỹ và năm mươi sáu xu"},
		{"1234.50", "USD", "Một nghìn hai trăm ba mươi bốn đô la Mỹ và năm mươi xu"},
		{"1234", "USD", "Một nghìn hai trăm ba mươi bốn đô la Mỹ"},
		{"0.05", "USD", "Năm xu"},
		{"15", "EUR", "Mười lăm euro"},
		{"2021", "JPY", "Hai nghìn không trăm hai mươi mốt yên"},
	}
	for _, c := range cases {
		a, err := money.New(c.amount, c.currency)
		if err != nil {
			t.Fatal(err)
		}
		got, err := einvoice.AmountInWords(a)
		if err != nil {
			t.Fatalf("%s %s: %v", c.amount, c.currency, err)
		}
		if got != c.want {
			t.Errorf("AmountInWords(%s %s) = %q, want %q", c.amount, c.currency, got, c.want)
		}
	}
}

func TestAmountInWordsRefusals(t *testing.T) {
	neg, _ := money.New("-1", "VND")
	if _, err := einvoice.AmountInWords(neg); !errors.Is(err, einvoice.ErrAmount) {
		t.Errorf("negative: %v, want ErrAmount", err)
	}
	fine, _ := money.New("1.005", "USD")
	if _, err := einvoice.AmountInWords(fine); !errors.Is(err, einvoice.ErrAmount) {
		t.Errorf("1.005 USD: %v, want ErrAmount", err)
	}
	kwd, _ := money.New("1.250", "KWD")
	if _, err := einvoice.AmountInWords(kwd); !errors.Is(err, einvoice.ErrUnknownCurrency) {
		t.Errorf("KWD: %v, want ErrUnknownCurrency", err)
	}
	got, err := einvoice.AmountInWordsNamed(kwd, einvoice.UnitNames{Major: "dinar Kuwait", Minor: "fils"})
	if err != nil || got != "Một dinar Kuwait và hai trăm năm mươi fils" {
		t.Errorf("KWD named: %q, %v", got, err)
	}
	if _, err := einvoice.AmountInWordsNamed(kwd, einvoice.UnitNames{Major: "dinar Kuwait"}); !errors.Is(err, einvoice.ErrUnknownCurrency) {
		t.Errorf("KWD without a minor name: %v, want ErrUnknownCurrency", err)
	}
}

// readWords is an independent reader of Vietnamese number words: each digit
// waits for what multiplies it (trăm, mươi) or ends its group; nghìn and
// triệu close a group into the current block below a billion; tỷ
// multiplies everything read so far, since what precedes a tỷ is the
// number of billions.
func readWords(t *testing.T, s string) *big.Int {
	t.Helper()
	digits := map[string]int64{"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "lăm": 5,
		"sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
	total := new(big.Int)
	var block, group, pending int64
	for _, w := range strings.Fields(s) {
		switch w {
		case "trăm":
			group += pending * 100
			pending = 0
		case "mươi":
			group += pending * 10
			pending = 0
		case "mười":
			group += 10
		case "linh":
		case "nghìn":
			block += (group + pending) * 1_000
			group, pending = 0, 0
		case "triệu":
			block += (group + pending) * 1_000_000
			group, pending = 0, 0
		case "tỷ":
			total.Add(total, big.NewInt(block+group+pending))
			total.Mul(total, big.NewInt(1_000_000_000))
			block, group, pending = 0, 0, 0
		default:
			d, ok := digits[w]
			if !ok {
				t.Fatalf("%q: unknown word %q", s, w)
			}
			pending = d
		}
	}
	return total.Add(total, big.NewInt(block+group+pending))
}

// checkReading states the rules every written number keeps, then reads it
// back.
func checkReading(t *testing.T, n uint64) {
	t.Helper()
	s := einvoice.NumberInWords(n)
	if strings.Contains(s, "  ") || strings.TrimSpace(s) != s {
		t.Fatalf("%d: %q has stray spaces", n, s)
	}
	for _, bad := range []string{"mười một mươi", "mươi một", "mười năm", "mươi năm", "không mươi", "một mươi", "linh không"} {
		if strings.Contains(" "+s+" ", " "+bad+" ") {
			t.Fatalf("%d: %q contains %q", n, s, bad)
		}
	}
	if got := readWords(t, s); got.Cmp(new(big.Int).SetUint64(n)) != 0 {
		t.Fatalf("%d is written %q, which reads %s", n, s, got)
	}
}

// TestNumberInWordsReadsBack writes every number of a random sample from 0
// to 10¹⁵ (and every boundary of each scale) and reads it back with an
// independent reader.
func TestNumberInWordsReadsBack(t *testing.T) {
	for n := uint64(0); n <= 2_100; n++ {
		checkReading(t, n)
	}
	for p := uint64(1); p <= 1_000_000_000_000_000; p *= 10 {
		for _, d := range []uint64{p - 1, p, p + 1, p + 5, p + 10, p + 15, p + 21, 5 * p, 15 * p, 21 * p} {
			checkReading(t, d)
		}
	}
	rng := rand.New(rand.NewPCG(78, 2021))
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	for range n {
		// Spread the sample over the magnitudes, not only the largest.
		limit := uint64(1)
		for range 1 + rng.IntN(16) {
			limit *= 10
		}
		checkReading(t, rng.Uint64N(limit+1))
	}
	checkReading(t, ^uint64(0))
}

// TestBigNumberInWordsBeyondUint64 writes numbers past 2⁶⁴ the same way.
func TestBigNumberInWordsBeyondUint64(t *testing.T) {
	n, _ := new(big.Int).SetString("1000000000000000000005", 10)
	s := einvoice.BigNumberInWords(n)
	if s != "một nghìn tỷ tỷ không trăm linh năm" {
		t.Errorf("10²¹+5 = %q", s)
	}
	if got := readWords(t, s); got.Cmp(n) != 0 {
		t.Errorf("%s reads back %s", s, got)
	}
}

// TestAmountInWordsForeignMinorUnits checks every amount of cents below
// 10,000 USD reads back to its major and minor parts.
func TestAmountInWordsForeignMinorUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5_000 {
		cents := rng.Int64N(1_000_000)
		a, err := money.FromMinor(cents, "USD")
		if err != nil {
			t.Fatal(err)
		}
		s, err := einvoice.AmountInWords(a)
		if err != nil {
			t.Fatal(err)
		}
		// Every digit's name begins with an ASCII letter.
		lower := strings.ToLower(s[:1]) + s[1:]
		major, minor := int64(0), int64(0)
		rest := lower
		if i := strings.Index(rest, " đô la Mỹ"); i >= 0 {
			major = readWords(t, rest[:i]).Int64()
			rest = strings.TrimPrefix(rest[i+len(" đô la Mỹ"):], " và ")
		}
		if strings.HasSuffix(rest, " xu") {
			minor = readWords(t, strings.TrimSuffix(rest, " xu")).Int64()
		}
		if major*100+minor != cents {
			t.Fatalf("%d cents written %q reads %d.%02d", cents, s, major, minor)
		}
	}
}
