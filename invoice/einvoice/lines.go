package einvoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// maxUnitPricePlaces is the most decimal places a unit price keeps when a
// pre-tax unit price has to be derived (a tax-inclusive line).
const maxUnitPricePlaces = 6

// RateOf maps a document's tax rate (a fraction: 0.1 is 10 %) to the VAT
// treatment an e-invoice declares. A zero rate is declared as zero, the
// caller's choice between VAT0 (zero-rated) and VATNotTaxable or
// VATNotDeclared. Errors: an *InvoiceError for a rate the law does not
// have (7 %), or a zero that is not one of those three.
func RateOf(rate decimal.Decimal, zero VATRate) (VATRate, error) {
	switch {
	case rate.IsZero():
		if zero != VAT0 && zero != VATNotTaxable && zero != VATNotDeclared {
			return "", fieldErr("vat", fmt.Sprintf("a zero rate must be declared 0%%, KCT or KKKNT, not %q", clip(string(zero))))
		}
		return zero, nil
	case rate.Equal(decimal.New(5, -2)):
		return VAT5, nil
	case rate.Equal(decimal.New(8, -2)):
		return VAT8, nil
	case rate.Equal(decimal.New(1, -1)):
		return VAT10, nil
	}
	return "", fieldErr("vat", fmt.Sprintf("%s%% is not a VAT rate (0, 5, 8 or 10)", rate.Shift(2)))
}

// LinesOf writes an issued document's lines as e-invoice lines, the tax
// declared per line as RateOf says (zero: how a 0 % line is declared,
// unless the line's treatment says it — see ZeroOf):
//
//   - an invoice line taxed on top of its price (exclusive) keeps its
//     quantity, unit price and discount; its amount is Net and its VAT Tax;
//   - an invoice line whose price includes the tax (inclusive) declares
//     Net before tax as quantity × a pre-tax unit price when that divides
//     exactly within six decimal places, else as one unit of Net, with the
//     discount already inside Net;
//   - a credit note's line is a decrease for an adjustment invoice:
//     quantity −1 of its pre-tax amount (Total − Tax) with the VAT −Tax.
//
// A coupon an invoice line took after tax (a postpaid bill's: Total = Net
// + Tax − Coupon) follows it as a trade discount line at the same rate,
// the coupon split into the VAT it carries, round(Coupon × Tax ÷ (Net +
// Tax)) half up, and the rest before tax: 20,000 off a line of 181,000 +
// 18,100 is a discount of 18,182 with 1,818 of VAT. The e-invoice then
// states the VAT on the price actually paid, as the law requires of a
// discount on the invoice, and its payable total is the document's.
//
// The sum of the lines' amounts and VAT (a discount's subtracted) is then
// the document's Net and Tax less its coupons' split (negated for a credit
// note), and the payable total its Total. A draft is refused. Errors: an
// *InvoiceError naming the line.
func LinesOf(doc invoice.Invoice, zero VATRate) ([]Line, error) {
	if doc.Number == 0 {
		return nil, fieldErr("document", "is not issued: only an issued document has an e-invoice")
	}
	credit := doc.Kind == invoice.KindCreditNote
	out := make([]Line, 0, len(doc.Lines))
	for i, l := range doc.Lines {
		vat, err := RateOf(l.TaxRate, ZeroOf(l, zero))
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("document.lines[%d].tax_rate", i), err.Error())
		}
		line := Line{Nature: NatureGoods, Code: l.Product, Name: lineName(l), Unit: l.Unit, VAT: vat, Tax: l.Tax}
		zeroAmt, err := money.Zero(l.Net.Currency().Code())
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("document.lines[%d]", i), err.Error())
		}
		switch {
		case credit:
			preTax, err := l.Total.Sub(l.Tax)
			if err != nil {
				return nil, fieldErr(fmt.Sprintf("document.lines[%d]", i), err.Error())
			}
			line.Quantity, line.UnitPrice, line.Discount, line.Amount = decimal.NewFromInt(-1), preTax, zeroAmt, preTax.Neg()
			line.Tax = l.Tax.Neg()
		case doc.TaxMode == invoice.TaxExclusive:
			line.Quantity, line.UnitPrice, line.Discount, line.Amount = l.Quantity, l.UnitPrice, l.Discount, l.Net
			gross := l.UnitPrice.Mul(l.Quantity).Round(money.HalfUp)
			if !gross.Equal(l.Amount) || -l.UnitPrice.Number().Exponent() > maxUnitPricePlaces {
				// A prorated line's amount is not quantity × unit price
				// (or its unit price has more places than an e-invoice
				// writes): declare one unit of its amount.
				line.Quantity, line.UnitPrice = decimal.NewFromInt(1), l.Amount
			}
		default:
			line.Quantity, line.UnitPrice, line.Discount, line.Amount = decimal.NewFromInt(1), l.Net, zeroAmt, l.Net
			if l.Quantity.IsPositive() {
				unit := l.Net.Number().DivRound(l.Quantity, maxUnitPricePlaces)
				if unit.Mul(l.Quantity).Equal(l.Net.Number()) {
					if u, err := money.FromDecimal(unit, l.Net.Currency().Code()); err == nil {
						line.Quantity, line.UnitPrice = l.Quantity, u
					}
				}
			}
		}
		out = append(out, line)
		if l.Coupon.IsPositive() && !credit {
			d, err := couponDiscount(l, vat)
			if err != nil {
				return nil, fieldErr(fmt.Sprintf("document.lines[%d].coupon", i), err.Error())
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// couponDiscount is the trade discount line of the coupon l took after
// tax, at l's VAT treatment (see LinesOf).
func couponDiscount(l invoice.Line, vat VATRate) (Line, error) {
	gross, err := l.Net.Add(l.Tax)
	if err != nil {
		return Line{}, err
	}
	if c, err := l.Coupon.Cmp(gross); err != nil || c > 0 {
		return Line{}, fmt.Errorf("%s is more than the line's %s after tax", l.Coupon, gross)
	}
	tax := l.Coupon.MulInt(0)
	if l.Tax.IsPositive() {
		share, err := money.FromDecimal(l.Coupon.Number().Mul(l.Tax.Number()).Div(gross.Number()), l.Coupon.Currency().Code())
		if err != nil {
			return Line{}, err
		}
		tax = share.Round(money.HalfUp)
	}
	net, err := l.Coupon.Sub(tax)
	if err != nil {
		return Line{}, err
	}
	name := "Chiết khấu thương mại: mã " + strings.Join(l.CouponCodes, ", ")
	return Line{Nature: NatureTradeDiscount, Name: clipRunes(name, MaxLineRunes), VAT: vat, Quantity: decimal.NewFromInt(1),
		UnitPrice: net, Discount: l.Coupon.MulInt(0), Amount: net, Tax: tax}, nil
}

// lineName is what a line sells, in the words the document used: its
// description, with the resource's name when the description lacks it.
func lineName(l invoice.Line) string {
	name := l.Description
	if l.ResourceName != "" && !strings.Contains(name, l.ResourceName) {
		name += " (" + l.ResourceName + ")"
	}
	return name
}
