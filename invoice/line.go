package invoice

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// Line is one row of an invoice or credit note. Every amount is in the
// document's currency, non-negative and a whole number of its minor units;
// only UnitPrice may carry more digits (7.7 VND per GB-hour).
//
// Amount is authoritative: it is the line's price before discounts, already
// rounded by whoever priced it. It is not checked against UnitPrice ×
// Quantity, because prorated lines bill minutes ÷ 43,200 of a price per 30
// days and that fraction has no exact decimal quantity; UnitPrice and
// Quantity say, for people, what was bought. PriceLine builds a line from
// them when Amount is simply their product.
//
// The identities, exactly, by the document's tax mode (rounding is half-up
// to the currency's digits, once per line):
//
//	exclusive: Net = Amount − Discount, Tax = round(Net × TaxRate), Total = Net + Tax − Coupon
//	inclusive: Total = Amount − Discount, Tax = round(Total × TaxRate ÷ (1 + TaxRate)), Net = Total − Tax
//
// so in both modes Net + Tax − Coupon = Total and Discount ≤ Amount; Coupon
// (a postpaid bill's after-tax coupon) is zero except on exclusive invoice
// lines. On a credit note
// the tax is always the tax contained in Total, round(Total × TaxRate ÷
// (1 + TaxRate)), because a credit gives back money that was paid with its
// tax inside; every line that satisfies the exclusive rule satisfies this one
// too, so copying an invoice line onto a credit note always works.
type Line struct {
	// Description is what the line is for, e.g. "vServer 2 vCPU / 4 GB".
	Description string `json:"description"`
	// ResourceID and ResourceName identify the resource the line bills;
	// empty on lines stored before they existed and on one-off lines.
	ResourceID   string `json:"resource_id,omitempty"`
	ResourceName string `json:"resource_name,omitempty"`
	// Product is the catalog product ("vserver"), Service the product's
	// name for people ("vServer"), Item what of it the line bills (a
	// configuration "2 vCPU / 4 GB" or a metric "bandwidth") and Unit the
	// unit of Quantity ("30 days", "GB-hour"). Each optional free text.
	Product string `json:"product,omitempty"`
	Service string `json:"service,omitempty"`
	Item    string `json:"item,omitempty"`
	Unit    string `json:"unit,omitempty"`
	// Period is the time the line pays for; the zero Span for a line that
	// is not periodic (a one-off fee). A non-zero Period must have Start
	// before End.
	Period period.Span `json:"period"`
	// Quantity is how many units, 0 ≤ Quantity ≤ MaxQuantity with at most
	// MaxQuantityPlaces decimal places (GB-hours may be fractional).
	Quantity decimal.Decimal `json:"quantity"`
	// UnitPrice is the price of one unit, non-negative, possibly with more
	// digits than the currency.
	UnitPrice money.Amount `json:"unit_price"`
	// Amount is the price before discounts.
	Amount money.Amount `json:"amount"`
	// Discount is what coupons and other discounts took off Amount.
	Discount money.Amount `json:"discount"`
	// DiscountRate is the rate Discount was taken at, as a fraction, 0 ≤
	// DiscountRate ≤ 1 (0.1 is 10%) with at most MaxRatePlaces places:
	// the postpaid discount (pre-tax = Amount × (1 − DiscountRate),
	// rounded once). Zero (and omitted) when no rate applies; it is for
	// people and not checked against Discount, which is authoritative.
	DiscountRate decimal.Decimal `json:"discount_rate,omitzero"`
	// Net is the tax-exclusive amount after discounts.
	Net money.Amount `json:"net"`
	// TaxRate is the tax rate as a fraction, 0 ≤ TaxRate ≤ 1 (0.1 is 10%),
	// with at most MaxRatePlaces decimal places.
	TaxRate decimal.Decimal `json:"tax_rate"`
	// TaxTreatment says why a line without VAT has none: TaxExempt (the
	// document writes "KCT"), TaxZeroRated ("0%") or TaxNotDeclared
	// ("KKKNT"), each with TaxRate 0. Empty (or TaxStandard) for a line
	// taxed at TaxRate, and on every line stored before it existed.
	TaxTreatment TaxTreatment `json:"tax_treatment,omitempty"`
	// Tax is the line's tax.
	Tax money.Amount `json:"tax"`
	// Coupon is what coupons took off after tax, so that Total = Net + Tax
	// − Coupon: the postpaid formula (total = pre-tax + tax − coupon).
	// Only invoice lines in exclusive mode carry one; zero (and omitted)
	// everywhere else, including every credit note line.
	Coupon money.Amount `json:"coupon,omitzero"`
	// CouponCodes are the codes of the coupons in Coupon, in the order
	// they were applied; empty when Coupon is zero.
	CouponCodes []string `json:"coupon_codes,omitempty"`
	// Total is what the line costs, tax included, less Coupon.
	Total money.Amount `json:"total"`
	// Details explain the line for people ("90,000/30 × 60 days"); at most
	// MaxDetails, each non-empty free text.
	Details []string `json:"details,omitempty"`
	// Explain is the same explanation as numbers (see Detail), which a
	// document writes in its reader's language; at most MaxDetails. Empty
	// on lines stored before it existed, whose Details are then shown.
	Explain []Detail `json:"explain,omitempty"`
}

// Limits on line numbers. A quantity or rate outside them is a mistake, and
// bounding them keeps arithmetic on hostile input cheap.
const (
	// MaxQuantity is the largest Quantity, 10^15.
	MaxQuantity = 1_000_000_000_000_000
	// MaxQuantityPlaces is the most decimal places a Quantity may have.
	MaxQuantityPlaces = 18
	// MaxRatePlaces is the most decimal places a TaxRate may have.
	MaxRatePlaces = 10
)

// Clone returns a copy of l that shares no slice with it.
func (l Line) Clone() Line {
	l.Details = slices.Clone(l.Details)
	l.CouponCodes = slices.Clone(l.CouponCodes)
	l.Explain = slices.Clone(l.Explain)
	return l
}

// couponIn returns the line's after-tax coupon in cur: a Coupon left as the
// zero Amount (no currency, as an omitted JSON field decodes) is zero.
func (l Line) couponIn(cur money.Currency) money.Amount {
	if l.Coupon.Currency().IsZero() && l.Coupon.IsZero() {
		return zeroOf(cur)
	}
	return l.Coupon
}

// LineInput describes a line for PriceLine: Quantity units at UnitPrice,
// less Discount, taxed at TaxRate.
type LineInput struct {
	Description string
	Period      period.Span
	Quantity    decimal.Decimal
	// UnitPrice fixes the line's currency.
	UnitPrice money.Amount
	// Discount is taken off the rounded amount; the zero Amount means none.
	Discount money.Amount
	TaxRate  decimal.Decimal
	// TaxTreatment is copied to the line (see Line.TaxTreatment).
	TaxTreatment TaxTreatment
	Details      []string
	// Explain is copied to the line's Explain.
	Explain []Detail
	// ResourceID, ResourceName, Product, Service, Item, Unit and
	// DiscountRate are copied to the line's fields of those names.
	ResourceID, ResourceName, Product, Service, Item, Unit string
	DiscountRate                                           decimal.Decimal
}

// PriceLine prices in for a document in mode: Amount = UnitPrice × Quantity
// rounded half-up to the currency, then the identities of Line. The result
// satisfies every rule New checks for an invoice line; a breach (a discount
// above the amount, a negative price, a rate above 1, …) is a *LineError
// with Index -1, or an *ArgumentError for an unknown mode or a UnitPrice
// without a currency.
func PriceLine(in LineInput, mode TaxMode) (Line, error) {
	if !mode.Valid() {
		return Line{}, &ArgumentError{Name: "tax mode", Reason: fmt.Sprintf("%q is not exclusive or inclusive", clip(string(mode)))}
	}
	cur := in.UnitPrice.Currency()
	if cur.IsZero() {
		return Line{}, &ArgumentError{Name: "UnitPrice", Reason: "has no currency"}
	}
	l := Line{
		Description: in.Description, Period: in.Period, Quantity: in.Quantity,
		UnitPrice: in.UnitPrice, Discount: in.Discount, TaxRate: in.TaxRate, TaxTreatment: in.TaxTreatment,
		Details: slices.Clone(in.Details), Explain: slices.Clone(in.Explain), ResourceID: in.ResourceID, ResourceName: in.ResourceName,
		Product: in.Product, Service: in.Service, Item: in.Item, Unit: in.Unit, DiscountRate: in.DiscountRate,
	}
	// Check the factors before multiplying, so that a hostile quantity or
	// rate never reaches the arithmetic.
	if err := checkFactors(-1, &l, cur); err != nil {
		return Line{}, err
	}
	if l.Discount.Currency().IsZero() && l.Discount.IsZero() {
		l.Discount = zeroOf(cur)
	}
	l.Amount = in.UnitPrice.Mul(in.Quantity).Round(money.HalfUp)
	if err := checkMoney(-1, "Amount", l.Amount, cur); err != nil {
		return Line{}, err
	}
	if err := checkMoney(-1, "Discount", l.Discount, cur); err != nil {
		return Line{}, err
	}
	after, err := l.Amount.Sub(l.Discount)
	if err != nil {
		return Line{}, err
	}
	if after.IsNegative() {
		return Line{}, &LineError{Index: -1, Field: "Discount", Reason: fmt.Sprintf("%s exceeds Amount %s", l.Discount, l.Amount)}
	}
	switch mode {
	case TaxInclusive:
		l.Total = after
		if l.Tax, err = containedTax(after, l.TaxRate); err != nil {
			return Line{}, err
		}
		if l.Net, err = after.Sub(l.Tax); err != nil {
			return Line{}, err
		}
	default:
		l.Net = after
		l.Tax = addedTax(after, l.TaxRate)
		if l.Total, err = after.Add(l.Tax); err != nil {
			return Line{}, err
		}
	}
	if err := validateLine(-1, l, cur, mode, KindInvoice); err != nil {
		return Line{}, err
	}
	return l, nil
}

// addedTax is the exclusive rule: net × rate, rounded half-up once.
func addedTax(net money.Amount, rate decimal.Decimal) money.Amount {
	return net.Mul(rate).Round(money.HalfUp)
}

// containedTax is the tax inside a gross amount: gross × rate ÷ (1 + rate),
// computed exactly and rounded half-up once. The same formula as the
// catalog's tax-inclusive prices, so converted lines always agree.
func containedTax(gross money.Amount, rate decimal.Decimal) (money.Amount, error) {
	return gross.Mul(rate).Div(rate.Add(decimal.NewFromInt(1)), gross.Currency().Digits(), money.HalfUp)
}

// zeroOf returns zero in cur, which is known to be a real currency.
func zeroOf(cur money.Currency) money.Amount {
	z, _ := money.FromMinor(0, cur.Code()) // cannot fail: cur came from LookupCurrency
	return z
}

// validateLine checks every rule of Line for a document of kind in mode and
// currency cur; idx is the line's position for the error.
func validateLine(idx int, l Line, cur money.Currency, mode TaxMode, kind Kind) error {
	if p := textProblem(l.Description, true); p != "" {
		return &LineError{Index: idx, Field: "Description", Reason: p}
	}
	for _, f := range []struct{ name, v string }{{"ResourceID", l.ResourceID}, {"ResourceName", l.ResourceName},
		{"Product", l.Product}, {"Service", l.Service}, {"Item", l.Item}, {"Unit", l.Unit}} {
		if p := textProblem(f.v, false); p != "" {
			return &LineError{Index: idx, Field: f.name, Reason: p}
		}
	}
	if p := decimalProblem(l.DiscountRate, 0, MaxRatePlaces); p != "" {
		return &LineError{Index: idx, Field: "DiscountRate", Reason: p}
	}
	if l.DiscountRate.IsNegative() || l.DiscountRate.GreaterThan(decimal.NewFromInt(1)) {
		return &LineError{Index: idx, Field: "DiscountRate", Reason: fmt.Sprintf("%s is not in [0, 1]", l.DiscountRate)}
	}
	if len(l.Details) > MaxDetails {
		return &LineError{Index: idx, Field: "Details", Reason: fmt.Sprintf("has %d entries, more than %d", len(l.Details), MaxDetails)}
	}
	for i, d := range l.Details {
		if p := textProblem(d, true); p != "" {
			return &LineError{Index: idx, Field: fmt.Sprintf("Details[%d]", i), Reason: p}
		}
	}
	if len(l.Explain) > MaxDetails {
		return &LineError{Index: idx, Field: "Explain", Reason: fmt.Sprintf("has %d entries, more than %d", len(l.Explain), MaxDetails)}
	}
	for i, d := range l.Explain {
		if field, p := detailProblem(d); p != "" {
			return &LineError{Index: idx, Field: fmt.Sprintf("Explain[%d].%s", i, field), Reason: p}
		}
	}
	if p := periodProblem(l.Period); p != "" {
		return &LineError{Index: idx, Field: "Period", Reason: p}
	}
	if err := checkFactors(idx, &l, cur); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		a    money.Amount
	}{{"Amount", l.Amount}, {"Discount", l.Discount}, {"Net", l.Net}, {"Tax", l.Tax}, {"Coupon", l.couponIn(cur)}, {"Total", l.Total}} {
		if err := checkMoney(idx, f.name, f.a, cur); err != nil {
			return err
		}
	}
	if err := checkCoupon(idx, l, cur, mode, kind); err != nil {
		return err
	}
	l.Coupon = l.couponIn(cur)
	return checkIdentities(idx, l, mode, kind)
}

// checkFactors checks Quantity, UnitPrice and TaxRate: the numbers that are
// not payable amounts.
func checkFactors(idx int, l *Line, cur money.Currency) error {
	if p := decimalProblem(l.Quantity, 15, MaxQuantityPlaces); p != "" {
		return &LineError{Index: idx, Field: "Quantity", Reason: p}
	}
	if l.Quantity.IsNegative() || l.Quantity.GreaterThan(decimal.NewFromInt(MaxQuantity)) {
		return &LineError{Index: idx, Field: "Quantity", Reason: fmt.Sprintf("%s is not in [0, %d]", l.Quantity, int64(MaxQuantity))}
	}
	if l.UnitPrice.Currency() != cur {
		return &LineError{Index: idx, Field: "UnitPrice", Reason: "is in another currency",
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: l.UnitPrice.Currency().Code()}}
	}
	if l.UnitPrice.IsNegative() {
		return &LineError{Index: idx, Field: "UnitPrice", Reason: fmt.Sprintf("%s is negative", clip(l.UnitPrice.String()))}
	}
	if p := decimalProblem(l.TaxRate, 0, MaxRatePlaces); p != "" {
		return &LineError{Index: idx, Field: "TaxRate", Reason: p}
	}
	if l.TaxRate.IsNegative() || l.TaxRate.GreaterThan(decimal.NewFromInt(1)) {
		return &LineError{Index: idx, Field: "TaxRate", Reason: fmt.Sprintf("%s is not in [0, 1]", l.TaxRate)}
	}
	return checkTreatment(idx, *l)
}

// decimalProblem says why d is not a usable factor, or "": it must have at
// most places decimal places and an exponent of at most maxExp. The
// exponent is checked before any arithmetic, because comparing a decimal
// like 1e999999999 with another builds a number with that many digits.
func decimalProblem(d decimal.Decimal, maxExp, places int32) string {
	if d.IsZero() {
		return ""
	}
	e := d.Exponent()
	if e > maxExp {
		return "is too large"
	}
	if e < -places {
		// Trailing zeros are harmless ("0.100" is 0.1); anything else is
		// more precision than any price or rate has. Far-out exponents are
		// refused without arithmetic.
		if e < -(places+money.MaxPlaces) || !d.Equal(d.Truncate(places)) {
			return fmt.Sprintf("has more than %d decimal places", places)
		}
	}
	return ""
}

// checkMoney checks that a payable amount is in cur, a whole number of minor
// units within int64, and not negative.
func checkMoney(idx int, field string, a money.Amount, cur money.Currency) error {
	if a.Currency() != cur {
		return &LineError{Index: idx, Field: field, Reason: "is in another currency",
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: a.Currency().Code()}}
	}
	if _, err := a.MinorUnits(); err != nil {
		return &LineError{Index: idx, Field: field, Reason: fmt.Sprintf("%s is not whole minor units of %s within int64", clip(a.String()), cur), Err: err}
	}
	if a.IsNegative() {
		return &LineError{Index: idx, Field: field, Reason: fmt.Sprintf("%s is negative", a)}
	}
	return nil
}

// checkIdentities checks the equations of Line; the amounts are known to be
// in one currency.
func checkIdentities(idx int, l Line, mode TaxMode, kind Kind) error {
	after, _ := l.Amount.Sub(l.Discount) // same currency: checked
	if after.IsNegative() {
		return &LineError{Index: idx, Field: "Discount", Reason: fmt.Sprintf("%s exceeds Amount %s", l.Discount, l.Amount)}
	}
	sum, _ := l.Net.Add(l.Tax)
	if l.Coupon.IsPositive() {
		sum, _ = sum.Sub(l.Coupon)
		if !sum.Equal(l.Total) {
			return &LineError{Index: idx, Field: "Total", Reason: fmt.Sprintf("%s is not Net %s + Tax %s − Coupon %s", l.Total, l.Net, l.Tax, l.Coupon)}
		}
	} else if !sum.Equal(l.Total) {
		return &LineError{Index: idx, Field: "Total", Reason: fmt.Sprintf("%s is not Net %s + Tax %s", l.Total, l.Net, l.Tax)}
	}
	switch mode {
	case TaxExclusive:
		if !l.Net.Equal(after) {
			return &LineError{Index: idx, Field: "Net", Reason: fmt.Sprintf("%s is not Amount %s − Discount %s", l.Net, l.Amount, l.Discount)}
		}
	case TaxInclusive:
		if !l.Total.Equal(after) {
			return &LineError{Index: idx, Field: "Total", Reason: fmt.Sprintf("%s is not Amount %s − Discount %s (prices include tax)", l.Total, l.Amount, l.Discount)}
		}
	default:
		return &ArgumentError{Name: "tax mode", Reason: fmt.Sprintf("%q is not exclusive or inclusive", clip(string(mode)))}
	}
	want, err := expectedTax(l, mode, kind)
	if err != nil {
		return &LineError{Index: idx, Field: "Tax", Reason: "cannot be computed", Err: err}
	}
	if !l.Tax.Equal(want) {
		return &LineError{Index: idx, Field: "Tax", Reason: fmt.Sprintf("%s is not %s = %s", l.Tax, taxRule(l, mode, kind), want)}
	}
	return nil
}

// checkCoupon checks where an after-tax coupon may be and its codes.
func checkCoupon(idx int, l Line, cur money.Currency, mode TaxMode, kind Kind) error {
	if !l.couponIn(cur).IsPositive() {
		if len(l.CouponCodes) > 0 {
			return &LineError{Index: idx, Field: "CouponCodes", Reason: "are set but Coupon is zero"}
		}
		return nil
	}
	if !usesAddedTax(mode, kind) {
		return &LineError{Index: idx, Field: "Coupon", Reason: "is only allowed on invoice lines with tax added (exclusive mode)"}
	}
	if len(l.CouponCodes) == 0 || len(l.CouponCodes) > MaxDetails {
		return &LineError{Index: idx, Field: "CouponCodes", Reason: fmt.Sprintf("has %d codes, want 1 to %d", len(l.CouponCodes), MaxDetails)}
	}
	for i, c := range l.CouponCodes {
		if p := textProblem(c, true); p != "" {
			return &LineError{Index: idx, Field: fmt.Sprintf("CouponCodes[%d]", i), Reason: p}
		}
	}
	return nil
}

// usesAddedTax reports whether a line of kind in mode follows the exclusive
// rule; every other line's tax is the tax contained in its Total.
func usesAddedTax(mode TaxMode, kind Kind) bool {
	return mode == TaxExclusive && kind == KindInvoice
}

// expectedTax returns the tax the rules of Line require.
func expectedTax(l Line, mode TaxMode, kind Kind) (money.Amount, error) {
	if usesAddedTax(mode, kind) {
		return addedTax(l.Net, l.TaxRate), nil
	}
	return containedTax(l.Total, l.TaxRate)
}

// taxRule states the rule expectedTax applied, with the line's numbers, for
// an error message; built only when there is an error to report.
func taxRule(l Line, mode TaxMode, kind Kind) string {
	if usesAddedTax(mode, kind) {
		return fmt.Sprintf("round(Net %s × %s)", l.Net, l.TaxRate)
	}
	return fmt.Sprintf("round(Total %s × %s ÷ (1 + %s))", l.Total, l.TaxRate, l.TaxRate)
}

// periodProblem says why p is not a usable line period, or "".
func periodProblem(p period.Span) string {
	switch {
	case p.Start.IsZero() && p.End.IsZero():
		return "" // not periodic
	case p.Start.IsZero() || p.End.IsZero():
		return "has only one of Start and End"
	case !p.Start.Before(p.End):
		return fmt.Sprintf("%s is empty or inverted", p)
	}
	return ""
}
