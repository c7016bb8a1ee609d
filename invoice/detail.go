package invoice

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// DetailKind names what a Detail explains, and so which of its fields it
// uses. Kinds are stored with the documents: a value never changes meaning.
type DetailKind string

// The kinds of Detail. The English text after each is how the line's
// Details write the same step; numbers are plain decimals in the
// document's currency, without a currency sign.
const (
	// DetailPlan is a configuration's flat plan: Name and its price per 30
	// days in Amount. "plan Basic 1 90,000".
	DetailPlan DetailKind = "plan"
	// DetailUnits is Quantity units of Unit at Price each: "4 vCPU × 45,000
	// = 180,000". Tier is the tier of a tiered charge, 0 outside one.
	DetailUnits DetailKind = "units"
	// DetailPackages is Quantity units of Unit, bought as Packages packages
	// of PackageSize at Price each: "23 metrics → 3 packages of 10 ×
	// 20,000 = 60,000".
	DetailPackages DetailKind = "packages"
	// DetailFlat is a flat amount of the component Name: "Licence: flat
	// 50,000".
	DetailFlat DetailKind = "flat"
	// DetailTierFee is tier Tier's flat fee of the component Name:
	// "Storage: tier 2: flat fee 10,000".
	DetailTierFee DetailKind = "tier_fee"
	// DetailMinimum raises the component Name to its minimum Price; Amount
	// is what it adds: "Storage: minimum 15,000 (adds 5,000)".
	DetailMinimum DetailKind = "minimum"
	// DetailProrated is Price per 30 days times Quantity for Days days, or
	// for Minutes minutes when Days is 0: "180,000 per 30 days × 2 ÷ 30 ×
	// 60 days = 720,000", "181,000 per 30 days × 72,000 minutes ÷ 43,200
	// = 301,667".
	DetailProrated DetailKind = "prorated"
	// DetailTermDiscount is the discount Rate for a term of Months months
	// and Days days; Amount is what it takes off: "term discount 6 months
	// 5%: −27,000".
	DetailTermDiscount DetailKind = "term_discount"
	// DetailDiscount is the line's share Amount of the order discount Name
	// (its label, else its code): "discount Welcome: −14,400".
	DetailDiscount DetailKind = "discount"
	// DetailTax is tax at Rate on Base, added to it: "tax 10% of 1,112,500:
	// 111,250".
	DetailTax DetailKind = "tax"
	// DetailTaxIncluded is the tax at Rate contained in Base: "tax 10%
	// included in 100,000: 9,091".
	DetailTaxIncluded DetailKind = "tax_included"
	// DetailPostpaid is a postpaid month: Minutes minutes × Price per 30
	// days × Quantity × (1 − Rate) ÷ 43,200: "44640 minutes × 181,000 × 1
	// × (1 − 10%) ÷ 43,200 = 168,330".
	DetailPostpaid DetailKind = "postpaid"
	// DetailUsage is metered use: Quantity units of Unit × Price × (1 −
	// Rate): "5 GB × 7.7 = 39".
	DetailUsage DetailKind = "usage"
	// DetailCoupon is an after-tax coupon taking Amount off: "coupon:
	// −20,000".
	DetailCoupon DetailKind = "coupon"
	// DetailCredit is a credit note line crediting Amount of the credited
	// line's total Base: "credits 120667 VND of the line total 181000 VND".
	DetailCredit DetailKind = "credit"
)

// DetailKinds returns every kind, in declaration order.
func DetailKinds() []DetailKind {
	return []DetailKind{DetailPlan, DetailUnits, DetailPackages, DetailFlat, DetailTierFee, DetailMinimum,
		DetailProrated, DetailTermDiscount, DetailDiscount, DetailTax, DetailTaxIncluded, DetailPostpaid,
		DetailUsage, DetailCoupon, DetailCredit}
}

// Valid reports whether k is one of the declared kinds.
func (k DetailKind) Valid() bool {
	for _, v := range DetailKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// Detail is one step of how a line was priced, as numbers and a kind
// rather than words, so that a document can write it in its reader's
// language and digits ("4 vCPU × 45.000 = 180.000" in Vietnamese, "4 vCPU
// × 45,000 = 180,000" in English). The Kind says which fields are used;
// the others are zero. Names and units are the catalog's own text, shown
// as given. Numbers are exact and unrounded, as the pricing computed them.
type Detail struct {
	// Kind says what the step is.
	Kind DetailKind `json:"kind"`
	// Name is the plan, component or discount the step is about.
	Name string `json:"name,omitempty"`
	// Unit is the unit of Quantity ("vCPU", "GB").
	Unit string `json:"unit,omitempty"`
	// Tier is the 1-based tier of a tiered charge; 0 outside one.
	Tier int `json:"tier,omitempty"`
	// Quantity is how many units (or resources) the step prices.
	Quantity decimal.Decimal `json:"quantity,omitzero"`
	// Price is the unit price, the price per 30 days, or the minimum.
	Price decimal.Decimal `json:"price,omitzero"`
	// Packages and PackageSize describe a DetailPackages step.
	Packages    decimal.Decimal `json:"packages,omitzero"`
	PackageSize decimal.Decimal `json:"package_size,omitzero"`
	// Months, Days and Minutes are the time a step is for.
	Months  int   `json:"months,omitempty"`
	Days    int64 `json:"days,omitempty"`
	Minutes int64 `json:"minutes,omitempty"`
	// Rate is a discount or tax rate as a fraction (0.1 is 10%).
	Rate decimal.Decimal `json:"rate,omitzero"`
	// Base is what a tax is on or contained in, or a credited line's total.
	Base decimal.Decimal `json:"base,omitzero"`
	// Amount is the step's result.
	Amount decimal.Decimal `json:"amount"`
}

// Limits on a Detail's numbers: far above any price, and small enough that
// writing one out stays cheap whatever a store hands back.
const (
	// MaxDetailExponent is the largest power of ten a Detail number may
	// carry (10^30).
	MaxDetailExponent = 30
	// MaxDetailPlaces is the most decimal places a Detail number may have.
	MaxDetailPlaces = 30
)

// detailProblem says why d cannot be shown, or "" when it can: a declared
// kind, printable names and numbers within the limits.
func detailProblem(d Detail) (string, string) {
	if !d.Kind.Valid() {
		return "Kind", fmt.Sprintf("%q is not a detail kind", clip(string(d.Kind)))
	}
	for _, f := range []struct{ name, v string }{{"Name", d.Name}, {"Unit", d.Unit}} {
		if p := textProblem(f.v, false); p != "" {
			return f.name, p
		}
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"Quantity", d.Quantity}, {"Price", d.Price}, {"Packages", d.Packages}, {"PackageSize", d.PackageSize},
		{"Rate", d.Rate}, {"Base", d.Base}, {"Amount", d.Amount}} {
		if p := decimalProblem(f.v, MaxDetailExponent, MaxDetailPlaces); p != "" {
			return f.name, p
		}
	}
	if d.Tier < 0 || d.Months < 0 || d.Days < 0 || d.Minutes < 0 {
		return "Tier", "a tier, months, days or minutes is negative"
	}
	return "", ""
}
