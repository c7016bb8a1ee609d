package pricing

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
)

// ModelKind names how a ChargeModel turns a quantity into an amount. The
// zero value is not a kind, so a ChargeModel left unset fails validation
// instead of silently pricing everything at zero.
type ModelKind int

const (
	// KindFlat charges Amount whatever the quantity.
	KindFlat ModelKind = iota + 1
	// KindPerUnit charges quantity × Amount.
	KindPerUnit
	// KindGraduated charges each tier's units at that tier's price: with
	// tiers up to 100 at 1,000 and above at 800, 150 units cost
	// 100 × 1,000 + 50 × 800 = 140,000.
	KindGraduated
	// KindVolume charges every unit at the price of the tier the whole
	// quantity falls in: with the same tiers, 150 units cost 150 × 800 =
	// 120,000.
	KindVolume
	// KindPackage charges Amount per started block of PackageSize units:
	// 23 units in packages of 10 at 5,000 are 3 packages, 15,000.
	KindPackage
)

// String returns the kind's name ("flat", "per-unit", "graduated",
// "volume", "package"), or "ModelKind(n)" for an undeclared value.
func (k ModelKind) String() string {
	switch k {
	case KindFlat:
		return "flat"
	case KindPerUnit:
		return "per-unit"
	case KindGraduated:
		return "graduated"
	case KindVolume:
		return "volume"
	case KindPackage:
		return "package"
	default:
		return "ModelKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Tier is one band of a graduated or volume model.
type Tier struct {
	// UpTo is the tier's inclusive upper bound in units. Bounds must rise
	// strictly from tier to tier. The last tier must leave UpTo zero, which
	// means "no upper bound", so every quantity falls in some tier.
	UpTo decimal.Decimal
	// UnitPrice is the price of one unit in this tier; it may carry more
	// digits than the currency (7.7 VND per GB-hour).
	UnitPrice decimal.Decimal
	// FlatFee is charged once when the tier is used (graduated: any unit
	// falls in it; volume: the quantity falls in it). Usually zero.
	FlatFee decimal.Decimal
}

// ChargeModel prices a quantity of one thing. It is a plain value with
// exported fields so hosts can load it from their own configuration; build
// it with Flat, PerUnit, Graduated, Volume or Package, or by hand and then
// Validate. Amounts are in the catalog's currency and are never rounded
// here: rounding happens once, at the quote line.
type ChargeModel struct {
	// Kind selects the rule.
	Kind ModelKind
	// Amount is the flat price (KindFlat), the price of one unit
	// (KindPerUnit) or of one package (KindPackage). Tiered kinds must leave
	// it zero and use Tiers.
	Amount decimal.Decimal
	// PackageSize is the number of units in one package; KindPackage only.
	PackageSize decimal.Decimal
	// Tiers are the bands of a KindGraduated or KindVolume model, lowest
	// first.
	Tiers []Tier
	// Minimum, when positive, is the least this model ever charges: a
	// smaller computed amount is raised to it, including at quantity zero.
	// (A catalog does not price components with quantity zero at all, so a
	// minimum there only applies to components that are chosen.)
	Minimum decimal.Decimal
}

// Flat returns a model that charges amount whatever the quantity.
func Flat(amount decimal.Decimal) ChargeModel {
	return ChargeModel{Kind: KindFlat, Amount: amount}
}

// PerUnit returns a model that charges quantity × unitPrice.
func PerUnit(unitPrice decimal.Decimal) ChargeModel {
	return ChargeModel{Kind: KindPerUnit, Amount: unitPrice}
}

// Graduated returns a model that charges each tier's units at the tier's
// price. The tiers are copied.
func Graduated(tiers ...Tier) ChargeModel {
	return ChargeModel{Kind: KindGraduated, Tiers: append([]Tier(nil), tiers...)}
}

// Volume returns a model that charges all units at the price of the tier the
// quantity falls in. The tiers are copied.
func Volume(tiers ...Tier) ChargeModel {
	return ChargeModel{Kind: KindVolume, Tiers: append([]Tier(nil), tiers...)}
}

// Package returns a model that charges price per started block of size
// units; partial blocks round up.
func Package(size, price decimal.Decimal) ChargeModel {
	return ChargeModel{Kind: KindPackage, PackageSize: size, Amount: price}
}

// WithMinimum returns a copy of m that never charges less than minimum.
func (m ChargeModel) WithMinimum(minimum decimal.Decimal) ChargeModel {
	m.Tiers = append([]Tier(nil), m.Tiers...)
	m.Minimum = minimum
	return m
}

// clone returns a copy of m that shares no memory with it, so a catalog can
// keep a model its caller cannot change later.
func (m ChargeModel) clone() ChargeModel {
	if m.Tiers != nil {
		m.Tiers = append([]Tier(nil), m.Tiers...)
	}
	return m
}

// Validate returns nil when m can price any non-negative quantity, and a
// *ModelError (matching ErrInvalidModel) naming the first broken rule
// otherwise: a declared Kind; no negative price, fee or minimum; fields
// used only by their kind; a positive PackageSize; at least one tier, with
// bounds rising strictly from above zero and only the last tier open-ended.
func (m ChargeModel) Validate() error {
	bad := func(format string, args ...any) error {
		return &ModelError{Kind: m.Kind, Reason: fmt.Sprintf(format, args...)}
	}
	if m.Minimum.IsNegative() {
		return bad("minimum %s is negative", m.Minimum)
	}
	switch m.Kind {
	case KindFlat, KindPerUnit, KindPackage:
		if m.Amount.IsNegative() {
			return bad("amount %s is negative", m.Amount)
		}
		if len(m.Tiers) > 0 {
			return bad("tiers are only for graduated and volume models")
		}
		if m.Kind == KindPackage {
			if !m.PackageSize.IsPositive() {
				return bad("package size %s is not positive", m.PackageSize)
			}
		} else if !m.PackageSize.IsZero() {
			return bad("package size is only for package models")
		}
	case KindGraduated, KindVolume:
		if !m.Amount.IsZero() {
			return bad("amount is not used by tiered models; set tier prices")
		}
		if !m.PackageSize.IsZero() {
			return bad("package size is only for package models")
		}
		return validateTiers(m.Tiers, bad)
	default:
		return bad("unknown kind")
	}
	return nil
}

// validateTiers checks the tier rules for Validate.
func validateTiers(tiers []Tier, bad func(string, ...any) error) error {
	if len(tiers) == 0 {
		return bad("no tiers")
	}
	prev := decimal.Zero
	for i, t := range tiers {
		n := i + 1
		if t.UnitPrice.IsNegative() {
			return bad("tier %d unit price %s is negative", n, t.UnitPrice)
		}
		if t.FlatFee.IsNegative() {
			return bad("tier %d flat fee %s is negative", n, t.FlatFee)
		}
		last := i == len(tiers)-1
		switch {
		case last && !t.UpTo.IsZero():
			return bad("last tier must be open-ended (UpTo zero), has %s", t.UpTo)
		case !last && !t.UpTo.GreaterThan(prev):
			return bad("tier %d bound %s is not above %s", n, t.UpTo, prev)
		}
		prev = t.UpTo
	}
	return nil
}

// StepKind names what a Step of a Charge stands for.
type StepKind int

const (
	// StepFlat is a flat amount.
	StepFlat StepKind = iota + 1
	// StepUnits is Quantity units at UnitPrice each.
	StepUnits
	// StepPackages is Packages packages of PackageSize units at UnitPrice
	// each, covering Quantity units.
	StepPackages
	// StepTierFee is a tier's flat fee.
	StepTierFee
	// StepMinimum raises the charge to the model's minimum; Amount is what
	// it adds and UnitPrice the minimum itself.
	StepMinimum
)

// Step is one term of the sum that makes up a Charge, kept so invoices can
// show what was multiplied by what. Step amounts sum exactly to the
// Charge's Amount.
type Step struct {
	// Kind says how to read the other fields.
	Kind StepKind
	// Tier is the 1-based tier the step belongs to; 0 outside tiered models.
	Tier int
	// Quantity is the number of units the step prices (zero for flat amounts,
	// fees and the minimum).
	Quantity decimal.Decimal
	// UnitPrice is the price of one unit or package; for StepFlat,
	// StepTierFee and StepMinimum it is the flat amount, the fee or the
	// minimum.
	UnitPrice decimal.Decimal
	// PackageSize and Packages describe a StepPackages step.
	PackageSize, Packages decimal.Decimal
	// Amount is what the step contributes, unrounded.
	Amount decimal.Decimal
}

// Describe renders the step for people, naming units with unit (which may
// be empty): "2 vCPU × 45,000 = 90,000", "tier 2: 50 GB × 800 = 40,000",
// "23 metrics → 3 packages of 100 × 20,000 = 60,000", "minimum 15,000
// (adds 5,000)".
func (s Step) Describe(unit string) string {
	prefix := ""
	if s.Tier > 0 {
		prefix = "tier " + strconv.Itoa(s.Tier) + ": "
	}
	switch s.Kind {
	case StepFlat:
		return prefix + "flat " + formatNumber(s.Amount)
	case StepUnits:
		return prefix + withUnit(s.Quantity, unit) + " × " + formatNumber(s.UnitPrice) + " = " + formatNumber(s.Amount)
	case StepPackages:
		noun := " packages of "
		if s.Packages.Equal(decimal.NewFromInt(1)) {
			noun = " package of "
		}
		return prefix + withUnit(s.Quantity, unit) + " → " + formatNumber(s.Packages) + noun +
			formatNumber(s.PackageSize) + " × " + formatNumber(s.UnitPrice) + " = " + formatNumber(s.Amount)
	case StepTierFee:
		return prefix + "flat fee " + formatNumber(s.Amount)
	case StepMinimum:
		return "minimum " + formatNumber(s.UnitPrice) + " (adds " + formatNumber(s.Amount) + ")"
	default:
		return prefix + formatNumber(s.Amount)
	}
}

// Charge is the result of pricing a quantity with a ChargeModel.
type Charge struct {
	// Quantity is the quantity that was priced.
	Quantity decimal.Decimal
	// Amount is the exact, unrounded total; it equals the sum of the
	// steps' amounts.
	Amount decimal.Decimal
	// Steps are the terms of the sum, in the order they were applied.
	Steps []Step
}

// Breakdown describes every step with Step.Describe, naming units with unit.
func (c Charge) Breakdown(unit string) []string {
	out := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		out[i] = s.Describe(unit)
	}
	return out
}

// Price returns what quantity units cost under m, exactly (no rounding),
// with the steps that make up the amount. A model that fails Validate
// returns its *ModelError; a negative quantity returns a *QuantityError
// matching ErrInvalidQuantity. A quantity of zero costs nothing under the
// usage-based kinds (no tier fee is charged), the flat amount under
// KindFlat, and in every case at least the minimum.
func (m ChargeModel) Price(quantity decimal.Decimal) (Charge, error) {
	if err := m.Validate(); err != nil {
		return Charge{}, err
	}
	if quantity.IsNegative() {
		return Charge{}, &QuantityError{Quantity: quantity.String(), Reason: "must not be negative"}
	}
	c := Charge{Quantity: quantity}
	switch m.Kind {
	case KindFlat:
		c.add(Step{Kind: StepFlat, UnitPrice: m.Amount, Amount: m.Amount})
	case KindPerUnit:
		c.add(Step{Kind: StepUnits, Quantity: quantity, UnitPrice: m.Amount, Amount: quantity.Mul(m.Amount)})
	case KindGraduated:
		c.graduated(m.Tiers, quantity)
	case KindVolume:
		c.volume(m.Tiers, quantity)
	case KindPackage:
		packages, rem := quantity.QuoRem(m.PackageSize, 0)
		if rem.IsPositive() {
			packages = packages.Add(decimal.NewFromInt(1)) // a started package is a whole package
		}
		c.add(Step{Kind: StepPackages, Quantity: quantity, PackageSize: m.PackageSize, Packages: packages,
			UnitPrice: m.Amount, Amount: packages.Mul(m.Amount)})
	}
	if m.Minimum.IsPositive() && c.Amount.LessThan(m.Minimum) {
		c.add(Step{Kind: StepMinimum, UnitPrice: m.Minimum, Amount: m.Minimum.Sub(c.Amount)})
	}
	return c, nil
}

// add appends a step and keeps Amount equal to the sum of the steps.
func (c *Charge) add(s Step) {
	c.Steps = append(c.Steps, s)
	c.Amount = c.Amount.Add(s.Amount)
}

// graduated prices the units inside each tier at that tier's price.
func (c *Charge) graduated(tiers []Tier, q decimal.Decimal) {
	lower := decimal.Zero
	for i, t := range tiers {
		if !q.GreaterThan(lower) {
			return
		}
		upper := q
		if !t.UpTo.IsZero() && t.UpTo.LessThan(q) {
			upper = t.UpTo
		}
		units := upper.Sub(lower)
		c.add(Step{Kind: StepUnits, Tier: i + 1, Quantity: units, UnitPrice: t.UnitPrice, Amount: units.Mul(t.UnitPrice)})
		if t.FlatFee.IsPositive() {
			c.add(Step{Kind: StepTierFee, Tier: i + 1, UnitPrice: t.FlatFee, Amount: t.FlatFee})
		}
		lower = t.UpTo
	}
}

// volume prices all units at the price of the tier the quantity falls in.
func (c *Charge) volume(tiers []Tier, q decimal.Decimal) {
	if q.IsZero() {
		return
	}
	for i, t := range tiers {
		if t.UpTo.IsZero() || !q.GreaterThan(t.UpTo) {
			c.add(Step{Kind: StepUnits, Tier: i + 1, Quantity: q, UnitPrice: t.UnitPrice, Amount: q.Mul(t.UnitPrice)})
			if t.FlatFee.IsPositive() {
				c.add(Step{Kind: StepTierFee, Tier: i + 1, UnitPrice: t.FlatFee, Amount: t.FlatFee})
			}
			return
		}
	}
}
