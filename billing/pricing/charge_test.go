package pricing_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/pricing"
)

// tiers100 are the tiers of the brief: up to 100 units at 1,000, then 800.
func tiers100() []pricing.Tier {
	return []pricing.Tier{
		{UpTo: dec("100"), UnitPrice: dec("1000")},
		{UnitPrice: dec("800")},
	}
}

func TestChargeModelPrice(t *testing.T) {
	tests := []struct {
		name      string
		model     pricing.ChargeModel
		quantity  string
		want      string
		breakdown []string
	}{
		{"flat 50,000 ignores a quantity of 7", pricing.Flat(dec("50000")), "7", "50000",
			[]string{"flat 50,000"}},
		{"per-unit 2 vCPU at 45,000 is 90,000", pricing.PerUnit(dec("45000")), "2", "90000",
			[]string{"2 u × 45,000 = 90,000"}},
		{"per-unit 10 GB-hours at 7.7 is 77 unrounded", pricing.PerUnit(dec("7.7")), "10", "77",
			[]string{"10 u × 7.7 = 77"}},
		{"per-unit 3 GB-hours at 7.7 is 23.1, kept unrounded", pricing.PerUnit(dec("7.7")), "3", "23.1",
			[]string{"3 u × 7.7 = 23.1"}},
		{"graduated 150 units, 0–100 at 1,000 then 800, is 140,000", pricing.Graduated(tiers100()...), "150", "140000",
			[]string{"tier 1: 100 u × 1,000 = 100,000", "tier 2: 50 u × 800 = 40,000"}},
		{"graduated 100 units stays in tier 1: 100,000", pricing.Graduated(tiers100()...), "100", "100000",
			[]string{"tier 1: 100 u × 1,000 = 100,000"}},
		{"graduated 100.5 units puts 0.5 in tier 2: 100,400", pricing.Graduated(tiers100()...), "100.5", "100400",
			[]string{"tier 1: 100 u × 1,000 = 100,000", "tier 2: 0.5 u × 800 = 400"}},
		{"graduated 0 units costs 0", pricing.Graduated(tiers100()...), "0", "0", []string{}},
		{"volume 150 units, same tiers, is 150 × 800 = 120,000", pricing.Volume(tiers100()...), "150", "120000",
			[]string{"tier 2: 150 u × 800 = 120,000"}},
		{"volume 100 units is 100 × 1,000 = 100,000", pricing.Volume(tiers100()...), "100", "100000",
			[]string{"tier 1: 100 u × 1,000 = 100,000"}},
		{"volume 0 units costs 0", pricing.Volume(tiers100()...), "0", "0", []string{}},
		{"package of 10 at 5,000 for 23 units is 3 packages, 15,000", pricing.Package(dec("10"), dec("5000")), "23", "15000",
			[]string{"23 u → 3 packages of 10 × 5,000 = 15,000"}},
		{"package of 10 at 5,000 for 20 units is 2 packages, 10,000", pricing.Package(dec("10"), dec("5000")), "20", "10000",
			[]string{"20 u → 2 packages of 10 × 5,000 = 10,000"}},
		{"package of 10 at 5,000 for 0.1 units is 1 package, 5,000", pricing.Package(dec("10"), dec("5000")), "0.1", "5000",
			[]string{"0.1 u → 1 package of 10 × 5,000 = 5,000"}},
		{"package of 10 for 0 units is 0 packages", pricing.Package(dec("10"), dec("5000")), "0", "0",
			[]string{"0 u → 0 packages of 10 × 5,000 = 0"}},
		{"minimum 15,000 raises 4 GB at 1,500 (6,000) by 9,000", pricing.PerUnit(dec("1500")).WithMinimum(dec("15000")), "4", "15000",
			[]string{"4 u × 1,500 = 6,000", "minimum 15,000 (adds 9,000)"}},
		{"minimum 15,000 does not touch 20 GB at 1,500 (30,000)", pricing.PerUnit(dec("1500")).WithMinimum(dec("15000")), "20", "30000",
			[]string{"20 u × 1,500 = 30,000"}},
		{"minimum 10,000 applies at quantity 0", pricing.Volume(tiers100()...).WithMinimum(dec("10000")), "0", "10000",
			[]string{"minimum 10,000 (adds 10,000)"}},
		{"graduated tier fees: 150 units with fees 1,000 and 2,000 is 143,000", pricing.Graduated(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1000"), FlatFee: dec("1000")},
			pricing.Tier{UnitPrice: dec("800"), FlatFee: dec("2000")},
		), "150", "143000", []string{"tier 1: 100 u × 1,000 = 100,000", "tier 1: flat fee 1,000",
			"tier 2: 50 u × 800 = 40,000", "tier 2: flat fee 2,000"}},
		{"volume tier fee: 50 units at 1,000 plus fee 500 is 50,500", pricing.Volume(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1000"), FlatFee: dec("500")},
			pricing.Tier{UnitPrice: dec("800")},
		), "50", "50500", []string{"tier 1: 50 u × 1,000 = 50,000", "tier 1: flat fee 500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := tt.model.Price(dec(tt.quantity))
			require.NoError(t, err)
			assert.Truef(t, dec(tt.want).Equal(ch.Amount), "amount: want %s, got %s", tt.want, ch.Amount)
			assert.Equal(t, tt.breakdown, ch.Breakdown("u"))
			sum := decimal.Zero
			for _, s := range ch.Steps {
				sum = sum.Add(s.Amount)
			}
			assert.Truef(t, sum.Equal(ch.Amount), "steps sum to %s, amount is %s", sum, ch.Amount)
		})
	}
}

func TestChargeModelValidate(t *testing.T) {
	tests := []struct {
		name   string
		model  pricing.ChargeModel
		reason string
	}{
		{"the zero model has no kind", pricing.ChargeModel{}, "unknown kind"},
		{"kind 99 is unknown", pricing.ChargeModel{Kind: 99}, "unknown kind"},
		{"a negative flat price is refused", pricing.Flat(dec("-1")), "amount -1 is negative"},
		{"a negative unit price is refused", pricing.PerUnit(dec("-0.5")), "amount -0.5 is negative"},
		{"a negative minimum is refused", pricing.PerUnit(dec("1")).WithMinimum(dec("-1")), "minimum -1 is negative"},
		{"a package of 0 units is refused", pricing.Package(dec("0"), dec("5000")), "package size 0 is not positive"},
		{"a package of -10 units is refused", pricing.Package(dec("-10"), dec("5000")), "package size -10 is not positive"},
		{"tiers on a per-unit model are refused", pricing.ChargeModel{Kind: pricing.KindPerUnit, Tiers: tiers100()},
			"tiers are only for graduated and volume models"},
		{"a package size on a flat model is refused", pricing.ChargeModel{Kind: pricing.KindFlat, PackageSize: dec("1")},
			"package size is only for package models"},
		{"an amount on a graduated model is refused", pricing.ChargeModel{Kind: pricing.KindGraduated, Amount: dec("1"), Tiers: tiers100()},
			"amount is not used by tiered models; set tier prices"},
		{"a package size on a volume model is refused", pricing.ChargeModel{Kind: pricing.KindVolume, PackageSize: dec("1"), Tiers: tiers100()},
			"package size is only for package models"},
		{"a tiered model without tiers is refused", pricing.Graduated(), "no tiers"},
		{"descending tier bounds 100 then 50 are refused", pricing.Graduated(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1")},
			pricing.Tier{UpTo: dec("50"), UnitPrice: dec("1")},
			pricing.Tier{UnitPrice: dec("1")},
		), "tier 2 bound 50 is not above 100"},
		{"equal tier bounds 100 and 100 are refused", pricing.Volume(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1")},
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1")},
			pricing.Tier{UnitPrice: dec("1")},
		), "tier 2 bound 100 is not above 100"},
		{"a first tier bound of -5 is refused", pricing.Graduated(
			pricing.Tier{UpTo: dec("-5"), UnitPrice: dec("1")},
			pricing.Tier{UnitPrice: dec("1")},
		), "tier 1 bound -5 is not above 0"},
		{"an open tier before the last is refused", pricing.Graduated(
			pricing.Tier{UnitPrice: dec("1")},
			pricing.Tier{UnitPrice: dec("1")},
		), "tier 1 bound 0 is not above 0"},
		{"a bounded last tier is refused", pricing.Volume(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1")},
		), "last tier must be open-ended (UpTo zero), has 100"},
		{"a negative tier price is refused", pricing.Graduated(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1")},
			pricing.Tier{UnitPrice: dec("-800")},
		), "tier 2 unit price -800 is negative"},
		{"a negative tier fee is refused", pricing.Graduated(
			pricing.Tier{UpTo: dec("100"), UnitPrice: dec("1"), FlatFee: dec("-1")},
			pricing.Tier{UnitPrice: dec("800")},
		), "tier 1 flat fee -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.model.Validate()
			require.ErrorIs(t, err, pricing.ErrInvalidModel)
			var me *pricing.ModelError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, tt.reason, me.Reason)
			assert.Equal(t, tt.model.Kind, me.Kind)

			_, perr := tt.model.Price(dec("1"))
			assert.ErrorIs(t, perr, pricing.ErrInvalidModel, "Price validates too")
		})
	}
}

func TestChargeModelRefusesNegativeQuantity(t *testing.T) {
	for _, m := range []pricing.ChargeModel{
		pricing.Flat(dec("1")), pricing.PerUnit(dec("1")), pricing.Graduated(tiers100()...),
		pricing.Volume(tiers100()...), pricing.Package(dec("10"), dec("1")),
	} {
		t.Run(m.Kind.String()+" refuses quantity -1", func(t *testing.T) {
			_, err := m.Price(dec("-1"))
			require.ErrorIs(t, err, pricing.ErrInvalidQuantity)
			var qe *pricing.QuantityError
			require.ErrorAs(t, err, &qe)
			assert.Equal(t, "-1", qe.Quantity)
		})
	}
}

func TestModelKindString(t *testing.T) {
	assert.Equal(t, "flat", pricing.KindFlat.String())
	assert.Equal(t, "per-unit", pricing.KindPerUnit.String())
	assert.Equal(t, "graduated", pricing.KindGraduated.String())
	assert.Equal(t, "volume", pricing.KindVolume.String())
	assert.Equal(t, "package", pricing.KindPackage.String())
	assert.Equal(t, "ModelKind(0)", pricing.ModelKind(0).String())
}

func TestWithMinimumDoesNotShareTiers(t *testing.T) {
	base := pricing.Graduated(tiers100()...)
	withMin := base.WithMinimum(dec("5"))
	withMin.Tiers[0].UnitPrice = dec("1")
	assert.True(t, base.Tiers[0].UnitPrice.Equal(dec("1000")), "changing the copy's tiers left the original alone")
	assert.True(t, base.Minimum.IsZero(), "the original has no minimum")
}

func TestGraduatedTiersAreCopied(t *testing.T) {
	tiers := tiers100()
	m := pricing.Graduated(tiers...)
	tiers[0].UnitPrice = dec("1")
	ch, err := m.Price(dec("150"))
	require.NoError(t, err)
	assert.True(t, ch.Amount.Equal(dec("140000")), "the model kept its own tiers: %s", ch.Amount)
}

// genTiers draws 1..5 valid tiers with integer bounds and prices that may
// carry a decimal digit.
func genTiers(t *rapid.T) []pricing.Tier {
	n := rapid.IntRange(1, 5).Draw(t, "tiers")
	tiers := make([]pricing.Tier, n)
	bound := int64(0)
	for i := range tiers {
		tiers[i].UnitPrice = decimal.New(rapid.Int64Range(0, 100_000).Draw(t, "price"), -1)
		if i < n-1 {
			bound += rapid.Int64Range(1, 1000).Draw(t, "width")
			tiers[i].UpTo = decimal.NewFromInt(bound)
		}
	}
	return tiers
}

func TestGraduatedIsSumOfTierBands(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tiers := genTiers(t)
		q := decimal.New(rapid.Int64Range(0, 100_000).Draw(t, "q"), -1)
		ch, err := pricing.Graduated(tiers...).Price(q)
		if err != nil {
			t.Fatal(err)
		}
		// Reference: walk unit bands independently of the implementation.
		want, lower := decimal.Zero, decimal.Zero
		for _, tier := range tiers {
			upper := tier.UpTo
			if upper.IsZero() || upper.GreaterThan(q) {
				upper = q
			}
			if upper.GreaterThan(lower) {
				want = want.Add(upper.Sub(lower).Mul(tier.UnitPrice))
			}
			if !tier.UpTo.IsZero() {
				lower = tier.UpTo
			}
		}
		if !want.Equal(ch.Amount) {
			t.Fatalf("graduated %s: want %s, got %s", q, want, ch.Amount)
		}
		units := decimal.Zero
		for _, s := range ch.Steps {
			units = units.Add(s.Quantity)
		}
		if !units.Equal(q) {
			t.Fatalf("steps cover %s units, quantity is %s", units, q)
		}
	})
}

func TestVolumeChargesAllUnitsAtOneTierPrice(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tiers := genTiers(t)
		q := decimal.NewFromInt(rapid.Int64Range(1, 10_000).Draw(t, "q"))
		ch, err := pricing.Volume(tiers...).Price(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Steps) != 1 {
			t.Fatalf("want one step, got %d", len(ch.Steps))
		}
		s := ch.Steps[0]
		tier := tiers[s.Tier-1]
		if !tier.UpTo.IsZero() && q.GreaterThan(tier.UpTo) {
			t.Fatalf("quantity %s above tier %d bound %s", q, s.Tier, tier.UpTo)
		}
		if s.Tier > 1 && !q.GreaterThan(tiers[s.Tier-2].UpTo) {
			t.Fatalf("quantity %s fits the lower tier %d", q, s.Tier-1)
		}
		if !ch.Amount.Equal(q.Mul(tier.UnitPrice)) {
			t.Fatalf("amount %s ≠ %s × %s", ch.Amount, q, tier.UnitPrice)
		}
	})
}

func TestPackageChargesStartedPackages(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		size := rapid.Int64Range(1, 1000).Draw(t, "size")
		q := rapid.Int64Range(0, 1_000_000).Draw(t, "q")
		ch, err := pricing.Package(decimal.NewFromInt(size), dec("7")).Price(decimal.NewFromInt(q))
		if err != nil {
			t.Fatal(err)
		}
		packages := (q + size - 1) / size
		if !ch.Amount.Equal(decimal.NewFromInt(packages * 7)) {
			t.Fatalf("%d units in packages of %d: want %d packages, amount %s", q, size, packages, ch.Amount)
		}
	})
}

func TestModelErrorMessage(t *testing.T) {
	err := pricing.Package(dec("0"), dec("1")).Validate()
	assert.EqualError(t, err, "pricing: invalid package model: package size 0 is not positive")
	assert.True(t, errors.Is(err, pricing.ErrInvalidModel))
}
