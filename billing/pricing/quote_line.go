package pricing

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// quoteLine prices one item up to its Subtotal; order discounts and tax are
// added by Quote. Errors are the item's cause, unwrapped.
func (c *Catalog) quoteLine(i int, it QuoteItem, treatment invoice.TaxTreatment) (QuoteLine, error) {
	e, err := c.lookup(it.ProductID)
	if err != nil {
		return QuoteLine{}, err
	}
	price, err := c.price(e, it.Configuration)
	if err != nil {
		return QuoteLine{}, err
	}
	if it.Quantity < 1 || it.Quantity > c.maxQty {
		return QuoteLine{}, &QuantityError{ProductID: it.ProductID, Quantity: strconv.FormatInt(it.Quantity, 10),
			Reason: "must be 1.." + strconv.FormatInt(c.maxQty, 10)}
	}
	minutes, timeText, err := c.billedMinutes(it)
	if err != nil {
		return QuoteLine{}, err
	}
	base, err := prorate(price.Amount.MulInt(it.Quantity), minutes)
	if err != nil {
		return QuoteLine{}, err
	}
	rate := decimal.Zero
	if it.Term != (period.Term{}) {
		rate = e.p.termDiscountRate(it.Term.Months)
	}
	termDiscount := base.Mul(rate).Round(money.HalfUp)
	subtotal, err := base.Sub(termDiscount)
	if err != nil {
		return QuoteLine{}, err
	}

	breakdown := append(price.Breakdown(), "")
	qty := ""
	if it.Quantity != 1 {
		qty = " × " + formatInt(it.Quantity)
	}
	priceN, baseN := price.Amount.Number(), base.Number() // built once: decimals are immutable
	breakdown[len(breakdown)-1] = formatNumber(priceN) + " per 30 days" + qty + timeText +
		" = " + formatNumber(baseN)
	explain := append(price.Explain(), proratedExplain(it, priceN, baseN, minutes))
	if !termDiscount.IsZero() {
		breakdown = append(breakdown, "term discount "+it.Term.String()+" "+percent(rate)+
			": −"+formatNumber(termDiscount.Number()))
		explain = append(explain, termDiscountExplain(it.Term, rate, termDiscount.Number()))
	}
	taxRate, treatment := c.lineTax(e, treatment)
	return QuoteLine{
		TaxRate: taxRate, TaxTreatment: treatment,
		Item: i, ProductID: it.ProductID, Configuration: it.Configuration.Clone(), Quantity: it.Quantity,
		Term: it.Term, Span: it.Span, Minutes: minutes, Price: price,
		Base: base, TermDiscountRate: rate, TermDiscount: termDiscount, Subtotal: subtotal,
		Breakdown: breakdown, Explain: explain,
	}, nil
}

// billedMinutes returns the minutes one unit of the item is billed for and
// the breakdown text for that time factor.
func (c *Catalog) billedMinutes(it QuoteItem) (int64, string, error) {
	hasTerm := it.Term != (period.Term{})
	hasSpan := !it.Span.Start.IsZero() || !it.Span.End.IsZero()
	switch {
	case hasTerm && hasSpan:
		return 0, "", fmt.Errorf("%w: both a term and a span are set", ErrInvalidPeriod)
	case hasTerm:
		if err := it.Term.Validate(); err != nil {
			return 0, "", fmt.Errorf("%w: %w", ErrInvalidPeriod, err)
		}
		days := 30*int64(it.Term.Months) + int64(it.Term.Days)
		if days*minutesPerDay > c.maxMinutes {
			return 0, "", fmt.Errorf("%w: %w", ErrInvalidPeriod, &period.TermError{Term: it.Term,
				Reason: "longer than the catalog's " + strconv.FormatInt(c.maxMinutes/minutesPerDay, 10) + " billing days"})
		}
		return days * minutesPerDay, " ÷ 30 × " + formatInt(days) + " days", nil
	case hasSpan:
		if it.Span.End.Before(it.Span.Start) {
			return 0, "", fmt.Errorf("%w: %w: %s", ErrInvalidPeriod, period.ErrInvalidSpan, it.Span)
		}
		m := it.Span.Minutes()
		if m < 1 {
			return 0, "", fmt.Errorf("%w: span %s is shorter than a minute", ErrInvalidPeriod, it.Span)
		}
		if m > c.maxMinutes {
			return 0, "", fmt.Errorf("%w: span %s is longer than the catalog's %d billing days",
				ErrInvalidPeriod, it.Span, c.maxMinutes/minutesPerDay)
		}
		return m, " × " + formatInt(m) + " minutes ÷ " + formatInt(period.MinutesPer30Days), nil
	default:
		return 0, "", fmt.Errorf("%w: neither a term nor a span is set", ErrInvalidPeriod)
	}
}

// applyTax fills Net, Tax and Total of a line whose Subtotal, Discount and
// TaxRate are final.
func (c *Catalog) applyTax(k *money.Calc, l *QuoteLine) {
	after := k.Sub(l.Subtotal, l.Discount)
	rate := l.TaxRate
	switch c.tax.Mode {
	case TaxInclusive:
		// The discounted gross contains the tax: gross = net × (1 + rate).
		l.Total = after
		tax, err := after.Mul(rate).Div(rate.Add(decimal.NewFromInt(1)), c.currency.Digits(), money.HalfUp)
		k.Fail(err)
		l.Tax = tax
		l.Net = k.Sub(after, tax)
		if !rate.IsZero() {
			afterN, taxN := after.Number(), tax.Number()
			l.Breakdown = append(l.Breakdown, "tax "+percent(rate)+" included in "+formatNumber(afterN)+
				": "+formatNumber(taxN))
			l.Explain = append(l.Explain, taxExplain(true, rate, afterN, taxN))
		}
	default:
		l.Net = after
		l.Tax = after.Mul(rate).Round(money.HalfUp)
		l.Total = k.Add(after, l.Tax)
		if !rate.IsZero() {
			afterN, taxN := after.Number(), l.Tax.Number()
			l.Breakdown = append(l.Breakdown, "tax "+percent(rate)+" of "+formatNumber(afterN)+
				": "+formatNumber(taxN))
			l.Explain = append(l.Explain, taxExplain(false, rate, afterN, taxN))
		}
	}
}
