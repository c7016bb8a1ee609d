package money_test

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestAllocate(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		ratios []int64
		want   []string
	}{
		{"150000 VND by 1000000:500000 is 100000 + 50000", "150000 VND", []int64{1000000, 500000}, []string{"100000 VND", "50000 VND"}},
		{"100 VND by 1:1:1 is 34 + 33 + 33", "100 VND", []int64{1, 1, 1}, []string{"34 VND", "33 VND", "33 VND"}},
		{"0.05 USD by 3:7 is 0.02 + 0.03 (tie goes to index 0)", "0.05 USD", []int64{3, 7}, []string{"0.02 USD", "0.03 USD"}},
		{"-100 VND by 1:1:1 is -34 - 33 - 33", "-100 VND", []int64{1, 1, 1}, []string{"-34 VND", "-33 VND", "-33 VND"}},
		{"-0.05 USD by 3:7 mirrors 0.05", "-0.05 USD", []int64{3, 7}, []string{"-0.02 USD", "-0.03 USD"}},
		{"101 VND by 1:1:1 gives the two leftovers to indices 0 and 1", "101 VND", []int64{1, 1, 1}, []string{"34 VND", "34 VND", "33 VND"}},
		{"the leftover goes to the largest remainder, not the first part", "10 VND", []int64{1, 2}, []string{"3 VND", "7 VND"}},
		{"a zero ratio gets zero even with leftovers", "100 VND", []int64{1, 0, 1, 1}, []string{"34 VND", "0 VND", "33 VND", "33 VND"}},
		{"one ratio takes everything", "181000 VND", []int64{5}, []string{"181000 VND"}},
		{"zero splits into zeros", "0 USD", []int64{1, 2}, []string{"0.00 USD", "0.00 USD"}},
		{"1 VND among 3 goes to index 0", "1 VND", []int64{1, 1, 1}, []string{"1 VND", "0 VND", "0 VND"}},
		{"12.500 USD counts as whole cents", "12.500 USD", []int64{1, 1}, []string{"6.25 USD", "6.25 USD"}},
		{"0.010 KWD by 1:2 is 0.003 + 0.007", "0.010 KWD", []int64{1, 2}, []string{"0.003 KWD", "0.007 KWD"}},
		{"the largest int64 by MaxInt64:1 still sums exactly", "9223372036854775807 VND", []int64{math.MaxInt64, 1}, []string{"9223372036854775806 VND", "1 VND"}},
		{"a total just below 2^64 keeps every digit", "18446744073709551615 VND", []int64{1, 0}, []string{"18446744073709551615 VND", "0 VND"}},
		{"a negative total just below 2^64 keeps every digit", "-18446744073709551615 VND", []int64{0, 3}, []string{"0 VND", "-18446744073709551615 VND"}},
		{"a total beyond uint64 splits in arbitrary precision", "100000000000000000000000 VND", []int64{1, 1, 1}, []string{"33333333333333333333334 VND", "33333333333333333333333 VND", "33333333333333333333333 VND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := amt(t, tt.in)
			parts, err := a.Allocate(tt.ratios...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, strs(parts))
			total, err := money.Sum(a.Currency().Code(), parts...)
			require.NoError(t, err)
			assert.True(t, total.Equal(a), "parts sum to %s, want %s", total, a)
		})
	}
}

func TestAllocateRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		ratios []int64
		want   error
	}{
		{"no ratios", "100 VND", nil, money.ErrInvalidAllocation},
		{"a negative ratio", "100 VND", []int64{2, -1}, money.ErrInvalidAllocation},
		{"all ratios zero", "100 VND", []int64{0, 0}, money.ErrInvalidAllocation},
		{"a fraction of a minor unit: 7.7 VND", "7.7 VND", []int64{1, 1}, money.ErrNotRounded},
		{"a fraction of a cent: 0.125 USD", "0.125 USD", []int64{1, 1}, money.ErrNotRounded},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			parts, err := amt(t, tt.in).Allocate(tt.ratios...)
			assert.ErrorIs(t, err, tt.want)
			assert.Nil(t, parts)
		})
	}
}

func TestAllocateWeights(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		weights []string
		want    []string
	}{
		{"150000 VND by 1000000, 500000 is 100000 + 50000", "150000 VND", []string{"1000000", "500000"}, []string{"100000 VND", "50000 VND"}},
		{"100 VND by 0.7, 0.3 is 70 + 30", "100 VND", []string{"0.7", "0.3"}, []string{"70 VND", "30 VND"}},
		{"weights of different scales: 0.5 and 1 split as 1:2", "90 VND", []string{"0.5", "1"}, []string{"30 VND", "60 VND"}},
		{"line totals as weights: 49000 and 7.7", "10000 VND", []string{"49000", "7.7"}, []string{"9998 VND", "2 VND"}},
		{"0.05 USD by 0.3, 0.7 ties to index 0", "0.05 USD", []string{"0.3", "0.7"}, []string{"0.02 USD", "0.03 USD"}},
		{"a zero weight with any scale gets zero", "10 VND", []string{"0.000", "1", "1e-20000"}, []string{"0 VND", "10 VND", "0 VND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := make([]decimal.Decimal, len(tt.weights))
			for i, w := range tt.weights {
				if w == "1e-20000" {
					ws[i] = decimal.New(0, -20000)
					continue
				}
				ws[i] = dec(t, w)
			}
			a := amt(t, tt.in)
			parts, err := a.AllocateWeights(ws...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, strs(parts))
		})
	}
	t.Run("bad weights are refused", func(t *testing.T) {
		a := amt(t, "100 VND")
		for _, ws := range [][]decimal.Decimal{
			nil,
			{decimal.New(-1, 0), decimal.New(2, 0)},
			{decimal.Zero, decimal.Zero},
			{decimal.New(1, -10001)},
			{decimal.New(1, 10001)},
			{decimal.New(-1, math.MinInt32)},
		} {
			_, err := a.AllocateWeights(ws...)
			assert.ErrorIs(t, err, money.ErrInvalidAllocation)
		}
	})
	t.Run("7.7 VND is refused as not rounded", func(t *testing.T) {
		_, err := amt(t, "7.7 VND").AllocateWeights(decimal.New(1, 0))
		assert.True(t, errors.Is(err, money.ErrNotRounded))
	})
}

var allocCurrencies = []string{"VND", "USD", "KWD", "CLF"}

// exactShare returns total×w/sum in minor units as a rational.
func exactShare(total *big.Int, w, sum int64) *big.Rat {
	return new(big.Rat).SetFrac(new(big.Int).Mul(total, big.NewInt(w)), big.NewInt(sum))
}

func TestAllocateProperties(t *testing.T) {
	t.Run("parts sum exactly to the whole and each is within one minor unit of its share", rapid.MakeCheck(func(t *rapid.T) {
		code := rapid.SampledFrom(allocCurrencies).Draw(t, "currency")
		minor := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64()).Draw(t, "minor")
		ratios := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(0, 10), rapid.Int64Range(0, math.MaxInt64/64)), 1, 12).
			Filter(func(rs []int64) bool {
				for _, r := range rs {
					if r > 0 {
						return true
					}
				}
				return false
			}).Draw(t, "ratios")
		a, err := money.FromMinor(minor, code)
		if err != nil {
			t.Fatal(err)
		}
		parts, err := a.Allocate(ratios...)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != len(ratios) {
			t.Fatalf("%d parts for %d ratios", len(parts), len(ratios))
		}
		total, err := money.Sum(code, parts...)
		if err != nil || !total.Equal(a) {
			t.Fatalf("%s by %v: parts %v sum to %s", a, ratios, parts, total)
		}
		var sum int64
		for _, r := range ratios {
			sum += r
		}
		whole := big.NewInt(minor)
		for i, p := range parts {
			m, err := p.MinorUnits()
			if err != nil {
				t.Fatal(err)
			}
			share := exactShare(whole, ratios[i], sum)
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(m), share)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("%s by %v: part %d is %d minor units, exact share %s", a, ratios, i, m, share.FloatString(3))
			}
			if ratios[i] == 0 && m != 0 {
				t.Fatalf("zero ratio %d got %d", i, m)
			}
			if (m < 0 && minor > 0) || (m > 0 && minor < 0) {
				t.Fatalf("part %d has the wrong sign: %d of %d", i, m, minor)
			}
		}
	}))
	t.Run("splitting -x gives the negated split of x", rapid.MakeCheck(func(t *rapid.T) {
		minor := rapid.Int64Range(-1e12, 1e12).Draw(t, "minor")
		ratios := rapid.SliceOfN(rapid.Int64Range(1, 1000), 1, 8).Draw(t, "ratios")
		a, _ := money.FromMinor(minor, "USD")
		p1, err1 := a.Allocate(ratios...)
		p2, err2 := a.Neg().Allocate(ratios...)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for i := range p1 {
			if !p1[i].Neg().Equal(p2[i]) {
				t.Fatalf("part %d: %s vs %s", i, p1[i], p2[i])
			}
		}
	}))
	t.Run("AllocateWeights with integer weights equals Allocate", rapid.MakeCheck(func(t *rapid.T) {
		minor := rapid.Int64().Draw(t, "minor")
		ratios := rapid.SliceOfN(rapid.Int64Range(0, 1e15), 1, 10).Filter(func(rs []int64) bool {
			return rs[0] > 0
		}).Draw(t, "ratios")
		scale := rapid.Int32Range(-5, 5).Draw(t, "scale")
		ws := make([]decimal.Decimal, len(ratios))
		for i, r := range ratios {
			ws[i] = decimal.New(r, scale) // a common scale does not change the ratios
		}
		a, _ := money.FromMinor(minor, "VND")
		p1, err1 := a.Allocate(ratios...)
		p2, err2 := a.AllocateWeights(ws...)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if strsEqual(strs(p1), strs(p2)) == false {
			t.Fatalf("Allocate %v, AllocateWeights %v", p1, p2)
		}
	}))
	t.Run("Add and Sub are inverse", rapid.MakeCheck(func(t *rapid.T) {
		code := rapid.SampledFrom(allocCurrencies).Draw(t, "currency")
		x := decimal.New(rapid.Int64().Draw(t, "x"), rapid.Int32Range(-10, 10).Draw(t, "xe"))
		y := decimal.New(rapid.Int64().Draw(t, "y"), rapid.Int32Range(-10, 10).Draw(t, "ye"))
		a, _ := money.FromDecimal(x, code)
		b, _ := money.FromDecimal(y, code)
		s, err := a.Add(b)
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.Sub(b)
		if err != nil || !back.Equal(a) {
			t.Fatalf("(%s + %s) - %s = %s", a, b, b, back)
		}
		d, _ := a.Sub(b)
		if n, _ := d.Add(b); !n.Equal(a) {
			t.Fatalf("(%s - %s) + %s = %s", a, b, b, n)
		}
	}))
}

func strsEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
