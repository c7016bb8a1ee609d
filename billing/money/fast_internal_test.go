package money

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The int64 fast path must give exactly what the decimal path gives: the
// same value, the same exponent and the same representation (an int64
// coefficient exactly when it fits), for every input, including those where
// an intermediate overflows and the fast path has to fall back.

// coefGen draws coefficients that exercise the overflow edges as well as
// everyday values.
func coefGen() *rapid.Generator[int64] {
	return rapid.OneOf(
		rapid.Int64Range(-1_000_000, 1_000_000),
		rapid.Int64(),
		rapid.Int64Range(math.MaxInt64-1_000, math.MaxInt64),
		rapid.Int64Range(math.MinInt64, math.MinInt64+1_000),
		rapid.SampledFrom([]int64{0, 1, -1, 5, -5, 15, -15, 25, 50, -50, math.MaxInt64 / 10, math.MinInt64 / 10,
			math.MaxInt64 / 2, math.MinInt64 / 2, 999_999_999_999_999_999, -999_999_999_999_999_999}),
	)
}

// amountGen draws an Amount held as an int64 coefficient, or, sometimes,
// one whose coefficient does not fit.
func amountGen() *rapid.Generator[Amount] {
	return rapid.Custom(func(t *rapid.T) Amount {
		cur, err := LookupCurrency(rapid.SampledFrom([]string{"VND", "USD", "KWD", "CLF"}).Draw(t, "currency"))
		if err != nil {
			t.Fatal(err)
		}
		exp := rapid.OneOf(rapid.Int32Range(-5, 2), rapid.Int32Range(-25, 25)).Draw(t, "exp")
		c := coefGen().Draw(t, "coef")
		if rapid.IntRange(0, 9).Draw(t, "bigness") == 0 {
			b := new(big.Int).Mul(big.NewInt(c), big.NewInt(rapid.Int64Range(2, 1_000).Draw(t, "mul")))
			return makeAmount(b, exp, cur)
		}
		return Amount{coef: c, exp: exp, cur: cur}
	})
}

// sameAmount fails unless x and y are the same Amount: representation,
// exponent, value and currency.
func sameAmount(t interface {
	Helper()
	Fatalf(string, ...any)
}, what string, x, y Amount) {
	t.Helper()
	if x.small() != y.small() || x.exp != y.exp || x.cur != y.cur || x.dec().Cmp(y.dec()) != 0 ||
		(x.small() && x.coef != y.coef) {
		t.Fatalf("%s: fast %s (coef %d big %v exp %d) != decimal %s (coef %d big %v exp %d)",
			what, x.dec(), x.coef, x.big, x.exp, y.dec(), y.coef, y.big, y.exp)
	}
}

func TestFastPathMatchesDecimalPath(t *testing.T) {
	modes := rapid.SampledFrom([]RoundingMode{HalfUp, HalfEven, Up, Down, RoundingMode(9)})
	rapid.Check(t, func(t *rapid.T) {
		a := amountGen().Draw(t, "a")
		b := amountGen().Draw(t, "b")
		b.cur = a.cur
		mode := modes.Draw(t, "mode")

		sameAmount(t, "add", add(a, b), addDec(a, b))
		diff, err := a.Sub(b)
		if err != nil {
			t.Fatal(err)
		}
		sameAmount(t, "sub", diff, subDec(a, b))
		if got, want := cmpValues(a, b), a.dec().Cmp(b.dec()); got != want {
			t.Fatalf("cmp %s %s: fast %d decimal %d", a.dec(), b.dec(), got, want)
		}
		if a.Equal(b) != a.dec().Equal(b.dec()) {
			t.Fatalf("equal %s %s", a.dec(), b.dec())
		}
		f := coefGen().Draw(t, "f")
		sameAmount(t, "mulint", a.MulInt(f), mulIntDec(a, f))
		fd := decimal.New(f, rapid.Int32Range(-6, 3).Draw(t, "fexp"))
		if !fd.IsZero() && !a.IsZero() {
			sameAmount(t, "mul", a.Mul(fd), fromDecimal(a.dec().Mul(fd), a.cur))
		}
		sameAmount(t, "neg", a.Neg(), fromDecimal(a.dec().Neg(), a.cur))
		sameAmount(t, "abs", a.Abs(), fromDecimal(a.dec().Abs(), a.cur))

		places := rapid.Int32Range(-30, 30).Draw(t, "places")
		if drop := -int64(a.exp) - int64(places); drop > 0 {
			sameAmount(t, "round", a.RoundTo(places, mode), roundDec(a, places, mode))
		}
		if f != 0 {
			fast, err1 := a.Div(fd, places, mode)
			slow, err2 := divBig(a, fd, places, mode)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("div errors differ: %v, %v", err1, err2)
			}
			if err1 == nil {
				sameAmount(t, "div", fast, slow)
			}
			fast, err1 = a.DivInt(f, places, mode)
			slow, err2 = divBig(a, decimal.NewFromInt(f), places, mode)
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("divint errors differ: %v, %v", err1, err2)
			}
			if err1 == nil {
				sameAmount(t, "divint", fast, slow)
			}
		}
		if drop := -int64(a.exp) - int64(a.cur.digits); drop > 0 && !a.IsZero() {
			if got, want := a.IsRounded(), isRoundedBig(a, drop); got != want {
				t.Fatalf("isrounded %s: fast %v decimal %v", a.dec(), got, want)
			}
		}
		m, err := a.MinorUnits()
		mb, errb := a.minorBig()
		switch {
		case errb != nil:
			if err == nil {
				t.Fatalf("minor units of %s: fast %d, decimal error %v", a.dec(), m, errb)
			}
		case mb.IsInt64():
			if err != nil || m != mb.Int64() {
				t.Fatalf("minor units of %s: fast %d %v, decimal %s", a.dec(), m, err, mb)
			}
		default:
			if err == nil {
				t.Fatalf("minor units of %s: fast %d, want overflow", a.dec(), m)
			}
		}
		if got, want := formatNumber(a), formatNumberDec(a.dec(), a.cur.digits); got != want {
			t.Fatalf("format %s: fast %q decimal %q", a.dec(), got, want)
		}
	})
}

// formatNumberDec is the plain-notation rule of String computed from the
// decimal, as the package did before the fast path.
func formatNumberDec(d decimal.Decimal, curDigits int32) string {
	coef := d.Coefficient()
	neg := coef.Sign() < 0
	digits := coef.Abs(coef).String()
	exp := int(d.Exponent())
	var intPart, frac string
	if exp >= 0 {
		intPart = digits
		if digits != "0" {
			for range exp {
				intPart += "0"
			}
		}
	} else {
		fracLen := -exp
		for len(digits) <= fracLen {
			digits = "0" + digits
		}
		intPart = digits[:len(digits)-fracLen]
		frac = digits[len(digits)-fracLen:]
		for frac != "" && frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
	}
	for len(frac) < int(curDigits) {
		frac += "0"
	}
	s := intPart
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

func TestParseMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[+-]?[0-9]{1,26}(\.[0-9]{1,12})?`).Draw(t, "number")
		a, err := parseNumber(s)
		if err != nil {
			t.Fatal(err)
		}
		d, err := decimal.NewFromString(s)
		if err != nil {
			t.Fatal(err)
		}
		sameAmount(t, "parse "+s, a, fromDecimal(d, Currency{}))
	})
}

func TestAllocateFastMatchesBig(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := amountGen().Draw(t, "a").RoundTo(0, Down)
		a.exp = -a.cur.digits // whole minor units
		ratios := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(0, 5), rapid.Int64Range(0, math.MaxInt64)), 1, 6).Draw(t, "ratios")
		ws := make([]*big.Int, len(ratios))
		for i, r := range ratios {
			ws[i] = big.NewInt(r)
		}
		fast, err1 := a.Allocate(ratios...)
		slow, err2 := a.allocate(ws)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: %v, %v", err1, err2)
		}
		for i := range fast {
			sameAmount(t, "part", fast[i], slow[i])
		}
	})
}

// TestFastPathEdges pins the boundaries where int64 arithmetic overflows,
// against values computed independently with math/big, and checks that the
// everyday cases really take the fast path (no allocation), so that the
// property tests above are not comparing the decimal path with itself.
func TestFastPathEdges(t *testing.T) {
	usd, _ := LookupCurrency("USD")
	mk := func(c int64, exp int32) Amount { return Amount{coef: c, exp: exp, cur: usd} }
	bigStr := func(a Amount) string { return a.dec().String() }
	max, min := mk(math.MaxInt64, 0), mk(math.MinInt64, 0)
	one := mk(1, 0)
	cases := []struct {
		name string
		got  Amount
		want string
	}{
		{"max+1", add(max, one), "9223372036854775808"},
		{"min-1", mustSub(t, min, one), "-9223372036854775809"},
		{"-min", min.Neg(), "9223372036854775808"},
		{"|min|", min.Abs(), "9223372036854775808"},
		{"max×2", max.MulInt(2), "18446744073709551614"},
		{"min×-1", min.MulInt(-1), "9223372036854775808"},
		{"max+0.1 aligns past int64", add(max, mk(1, -1)), "9223372036854775807.1"},
		{"1e18 + 1e-1", add(mk(1, 18), mk(1, -1)), "1000000000000000000.1"},
		{"round half-up of max at 10^19", max.RoundTo(-19, HalfUp), "10000000000000000000"},
		{"round half-up of 4e18 at 10^19", mk(4_000_000_000_000_000_000, 0).RoundTo(-19, HalfUp), "0"},
		{"round up of 1 at 10^25", one.RoundTo(-25, Up), "10000000000000000000000000"},
	}
	for _, c := range cases {
		if s := bigStr(c.got); s != c.want {
			t.Errorf("%s = %s, want %s", c.name, s, c.want)
		}
		if c.got.small() != new(big.Int).Set(c.got.coefficient()).IsInt64() {
			t.Errorf("%s: not in canonical form", c.name)
		}
	}
	x, y := mk(18100000, -2), mk(4900000, -2)
	allocs := testing.AllocsPerRun(100, func() {
		s := add(x, y)
		d, _ := s.Sub(y)
		_ = cmpValues(d, x)
		_ = d.MulInt(3).RoundTo(-2, HalfUp)
		q, _ := d.DivInt(43200, 2, HalfUp)
		_, _ = q.MinorUnits()
	})
	if allocs != 0 {
		t.Errorf("everyday arithmetic allocates %v times; the int64 fast path is not taken", allocs)
	}
}

func mustSub(t *testing.T, a, b Amount) Amount {
	t.Helper()
	d, err := a.Sub(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
