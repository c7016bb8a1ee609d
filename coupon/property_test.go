package coupon_test

import (
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

var products = []string{"vserver", "vstorage", "vcdn", "vdb", "vmonitor", "vwaf"}

// minor returns a's minor units as a big.Int, failing the test if a is not
// whole minor units.
func minor(t *rapid.T, a money.Amount) *big.Int {
	m, err := a.MinorUnits()
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return big.NewInt(m)
}

// genCoupon draws a valid, unrestricted-in-time coupon in currency cur.
func genCoupon(t *rapid.T, i int, cur string, stackable bool) (coupon.Coupon, int64, int64) {
	code := "C" + string(rune('A'+i)) + "X"
	c := coupon.Coupon{Code: code, Stackable: stackable}
	if rapid.Bool().Draw(t, "percent") {
		bp := rapid.Int64Range(1, 10_000).Draw(t, "basis_points") // 0.01% .. 100%
		c.Kind, c.Percent = coupon.KindPercent, decimal.New(bp, -2)
		capMinor := int64(0)
		if rapid.Bool().Draw(t, "capped") {
			capMinor = rapid.Int64Range(1, 1_000_000_000).Draw(t, "cap")
			c.Cap = must(money.FromMinor(capMinor, cur))
		}
		c.Products = rapid.SliceOfDistinct(rapid.SampledFrom(products), rapid.ID[string]).Draw(t, "products")
		return c, bp, capMinor
	}
	amount := rapid.Int64Range(1, 10_000_000_000).Draw(t, "amount")
	c.Kind, c.Amount = coupon.KindFixed, must(money.FromMinor(amount, cur))
	c.Products = rapid.SliceOfDistinct(rapid.SampledFrom(products), rapid.ID[string]).Draw(t, "products")
	return c, amount, 0
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // test inputs are valid by construction
	}
	return v
}

// TestEvaluateProperties checks, for random orders and stackable coupons,
// every rule against an independent computation in integer minor units:
// the discount formula, exact splits, proportional shares within one minor
// unit, zero for ineligible lines, and no line discounted below zero.
func TestEvaluateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom([]string{"VND", "USD", "KWD"}).Draw(t, "currency")
		n := rapid.IntRange(1, 6).Draw(t, "lines")
		lines := make([]coupon.Line, n)
		for i := range lines {
			lines[i] = coupon.Line{
				Product: rapid.SampledFrom(products).Draw(t, "product"),
				Amount:  must(money.FromMinor(rapid.Int64Range(0, 10_000_000_000).Draw(t, "line"), cur)),
			}
		}
		m := rapid.IntRange(0, 4).Draw(t, "coupons")
		coupons := make([]coupon.Coupon, m)
		params := make([][2]int64, m)
		for i := range coupons {
			coupons[i], params[i][0], params[i][1] = genCoupon(t, i, cur, m > 1)
		}
		req := request(lines, coupons...)
		req.Currency = cur
		res, err := coupon.Evaluate(req)

		left := make([]*big.Int, n)
		for i, l := range lines {
			left[i] = minor(t, l.Amount)
		}
		if err != nil {
			var rej *coupon.Rejection
			if !errors.As(err, &rej) || rej.Reason != coupon.ReasonNotApplicableProduct {
				t.Fatalf("unexpected error: %v", err)
			}
			for _, l := range lines {
				if slices.Contains(rej.Products, l.Product) {
					t.Fatalf("rejected %s as not applicable, but line %s is eligible", rej.Code, l.Product)
				}
			}
			return
		}
		if len(res.Applied) != m {
			t.Fatalf("applied %d of %d coupons", len(res.Applied), m)
		}
		total := new(big.Int)
		for ci, a := range res.Applied {
			c := coupons[ci]
			eligible := func(i int) bool { return len(c.Products) == 0 || slices.Contains(c.Products, lines[i].Product) }
			base, origBase := new(big.Int), new(big.Int)
			for i := range lines {
				if eligible(i) {
					base.Add(base, left[i])
					origBase.Add(origBase, minor(t, lines[i].Amount))
				}
			}
			if got := minor(t, a.Base); got.Cmp(base) != 0 {
				t.Fatalf("%s: base %s, want %s", c.Code, got, base)
			}
			want := new(big.Int)
			if c.Kind == coupon.KindPercent {
				// round half-up of base × bp / 10,000 = floor((2·base·bp + 10,000) / 20,000)
				want.Mul(base, big.NewInt(2*params[ci][0]))
				want.Add(want, big.NewInt(10_000))
				want.Quo(want, big.NewInt(20_000))
				if capM := params[ci][1]; capM > 0 && want.Cmp(big.NewInt(capM)) > 0 {
					want.SetInt64(capM)
				}
			} else {
				want.SetInt64(params[ci][0])
				if want.Cmp(base) > 0 {
					want.Set(base)
				}
			}
			d := minor(t, a.Amount)
			if d.Cmp(want) != 0 {
				t.Fatalf("%s: discount %s, want %s", c.Code, d, want)
			}
			if d.Cmp(base) > 0 || d.Cmp(origBase) > 0 {
				t.Fatalf("%s: discount %s exceeds the eligible subtotal %s (left %s)", c.Code, d, origBase, base)
			}
			sum := new(big.Int)
			for i, s := range a.Shares {
				sm := minor(t, s)
				sum.Add(sum, sm)
				if sm.Sign() < 0 {
					t.Fatalf("%s: line %d share %s is negative", c.Code, i, sm)
				}
				if !eligible(i) && sm.Sign() != 0 {
					t.Fatalf("%s: ineligible line %d gets %s", c.Code, i, sm)
				}
				if base.Sign() > 0 && eligible(i) {
					// |share·base − d·left| < base: within one minor unit of the exact share.
					diff := new(big.Int).Sub(new(big.Int).Mul(sm, base), new(big.Int).Mul(d, left[i]))
					if diff.Abs(diff).Cmp(base) >= 0 {
						t.Fatalf("%s: line %d share %s is not within one unit of %s×%s/%s", c.Code, i, sm, d, left[i], base)
					}
				}
				left[i].Sub(left[i], sm)
				if left[i].Sign() < 0 {
					t.Fatalf("%s: line %d discounted below zero", c.Code, i)
				}
			}
			if sum.Cmp(d) != 0 {
				t.Fatalf("%s: shares sum to %s, discount is %s", c.Code, sum, d)
			}
			total.Add(total, d)
		}
		if got := minor(t, res.Total); got.Cmp(total) != 0 {
			t.Fatalf("total %s, want %s", got, total)
		}
		lineSum := new(big.Int)
		for i, l := range res.Lines {
			lm := minor(t, l)
			lineSum.Add(lineSum, lm)
			if want := new(big.Int).Sub(minor(t, lines[i].Amount), left[i]); lm.Cmp(want) != 0 {
				t.Fatalf("line %d discount %s, want %s", i, lm, want)
			}
		}
		if lineSum.Cmp(total) != 0 {
			t.Fatalf("line discounts sum to %s, total is %s", lineSum, total)
		}
	})
}
