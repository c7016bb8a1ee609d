package pricing

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// QuoteRequest asks for the prepaid price of an order: some items and the
// order-level discounts (coupons) to apply.
type QuoteRequest struct {
	// Items are the order's rows; at least one.
	Items []QuoteItem `json:"items"`
	// Discounts are fixed amounts taken off the whole order, applied in
	// order; see Catalog.Quote for how they are split and capped.
	Discounts []Discount `json:"discounts,omitempty"`
	// TaxTreatment is the customer's VAT treatment; empty is
	// invoice.TaxStandard. Each line is taxed at Catalog.TaxRate of its
	// product and this treatment.
	TaxTreatment invoice.TaxTreatment `json:"tax_treatment,omitempty"`
}

// QuoteItem is one row of an order: Quantity units of a configured product
// for a Term, or for an explicit Span. Exactly one of Term and Span must be
// set.
type QuoteItem struct {
	// ProductID is a product of the catalog.
	ProductID string `json:"product_id"`
	// Configuration is the chosen plan and component quantities.
	Configuration Configuration `json:"configuration"`
	// Quantity is how many identical units, 1..Catalog.MaxItemQuantity.
	Quantity int64 `json:"quantity"`
	// Term is a prepaid term (purchase or renewal). It is billed by billing
	// days, 30 × Months + Days, whatever the calendar's day-count basis: the
	// calendar only decides where the term ends. Term discounts apply.
	Term period.Term `json:"term,omitzero"`
	// Span is an explicit period (the rest of a term on resize, a match of
	// end times), billed to the minute: minutes ÷ 43,200 of the price per
	// 30 days. Term discounts do not apply: a span is not a chosen term.
	Span period.Span `json:"span,omitzero"`
}

// Discount is a fixed amount taken off an order, such as a redeemed coupon.
type Discount struct {
	// Code identifies the discount on lines and invoices, e.g. a coupon code.
	Code string `json:"code"`
	// Label is the display text.
	Label string `json:"label,omitempty"`
	// Amount is the amount to take off: non-negative, in the catalog
	// currency, a whole number of minor units.
	Amount money.Amount `json:"amount"`
	// Items restricts the discount to these request items (indexes into
	// QuoteRequest.Items), e.g. the lines of the products a coupon is valid
	// for; nil means every item. It is split among those lines only.
	Items []int `json:"items,omitempty"`
}

// AppliedDiscount is one order discount as the quote used it.
type AppliedDiscount struct {
	// Code and Label are copied from the Discount.
	Code  string `json:"code"`
	Label string `json:"label,omitempty"`
	// Requested is the Discount's Amount.
	Requested money.Amount `json:"requested"`
	// Applied is what was actually taken off: Requested, capped at what was
	// left of the order when the discount was applied.
	Applied money.Amount `json:"applied"`
}

// DiscountShare is a line's share of one order discount.
type DiscountShare struct {
	// Code and Label are copied from the Discount.
	Code  string `json:"code"`
	Label string `json:"label,omitempty"`
	// Amount is the share taken off the line.
	Amount money.Amount `json:"amount"`
}

// QuoteLine is the priced form of one QuoteItem. Every amount is in the
// catalog currency and, apart from Price, rounded to its digits.
//
// Identities, exactly: Subtotal = Base − TermDiscount; Discount = Σ
// Discounts; Total = Net + Tax; and Net = Subtotal − Discount when prices
// are tax-exclusive, Total = Subtotal − Discount when they are
// tax-inclusive.
type QuoteLine struct {
	// Item is the index of the QuoteItem this line prices.
	Item int `json:"item"`
	// ProductID, Configuration, Quantity, Term and Span are copied from the
	// item.
	ProductID     string        `json:"product_id"`
	Configuration Configuration `json:"configuration"`
	Quantity      int64         `json:"quantity"`
	Term          period.Term   `json:"term,omitzero"`
	Span          period.Span   `json:"span,omitzero"`
	// Minutes is the billed time of one unit: (30 × Months + Days) × 1,440
	// for a term, the span's whole minutes for a span.
	Minutes int64 `json:"minutes"`
	// Price is the exact price per 30 days of one unit, with its parts.
	Price Price `json:"price"`
	// Base is Price × Quantity × Minutes ÷ 43,200, rounded half-up once.
	Base money.Amount `json:"base"`
	// TermDiscountRate is the product's term discount for the term (zero
	// for spans and short terms).
	TermDiscountRate decimal.Decimal `json:"term_discount_rate"`
	// TermDiscount is Base × TermDiscountRate, rounded half-up.
	TermDiscount money.Amount `json:"term_discount"`
	// Subtotal is Base − TermDiscount; the lines' Subtotals sum to the
	// quote's.
	Subtotal money.Amount `json:"subtotal"`
	// Discounts are the line's non-zero shares of the order discounts.
	Discounts []DiscountShare `json:"discounts,omitempty"`
	// Discount is the sum of Discounts.
	Discount money.Amount `json:"discount"`
	// Net is the tax-exclusive amount after all discounts.
	Net money.Amount `json:"net"`
	// TaxRate is the line's VAT rate (Catalog.TaxRate of its product and
	// the request's treatment) and TaxTreatment what the line declares:
	// invoice.TaxStandard for a line taxed at TaxRate, else the untaxed
	// treatment (exempt: KCT; zero_rated: 0 %) with TaxRate 0. Lines
	// stored before these fields existed have TaxTreatment empty.
	TaxRate      decimal.Decimal      `json:"tax_rate"`
	TaxTreatment invoice.TaxTreatment `json:"tax_treatment,omitempty"`
	// Tax is the tax on Net (exclusive) or contained in the discounted
	// gross (inclusive), rounded half-up once per line.
	Tax money.Amount `json:"tax"`
	// Total is what the line costs the customer, tax included.
	Total money.Amount `json:"total"`
	// Breakdown says, for people, what was multiplied by what.
	Breakdown []string `json:"breakdown,omitempty"`
	// Explain is Breakdown as numbers (invoice.Detail), one for each of
	// its texts, for documents in other languages.
	Explain []invoice.Detail `json:"explain,omitempty"`
}

// Quote is a priced order. Amounts are the sums of the lines' amounts of
// the same name, so they reconcile exactly:
//
//   - tax-exclusive: Subtotal − Discount + Tax = Total, Net = Subtotal − Discount;
//   - tax-inclusive: Subtotal − Discount = Total (tax is inside), Net + Tax = Total.
type Quote struct {
	// Currency is the catalog currency.
	Currency money.Currency `json:"currency"`
	// TaxPolicy is the catalog tax policy the quote used.
	TaxPolicy TaxPolicy `json:"tax_policy"`
	// Lines price the request's items, in order.
	Lines []QuoteLine `json:"lines"`
	// Discounts are the order discounts as applied, in order.
	Discounts []AppliedDiscount `json:"discounts,omitempty"`
	// Subtotal, Discount, Net, Tax and Total are the sums over Lines.
	Subtotal money.Amount `json:"subtotal"`
	Discount money.Amount `json:"discount"`
	Net      money.Amount `json:"net"`
	Tax      money.Amount `json:"tax"`
	Total    money.Amount `json:"total"`
	// Estimate marks a quote for a postpaid account: nothing is charged
	// at checkout; the resources are billed monthly in arrears for the
	// minutes they run, so Total is what the items would cost for their
	// terms at today's prices, not an amount due. False for prepaid
	// quotes, which are charged exactly.
	Estimate bool `json:"estimate,omitempty"`
}

// Quote prices req.
//
// Each line is computed exactly and rounded once, half-up, to the currency
// (Base), then the term discount is taken off (rounded half-up). The order
// discounts are then applied one after another: each is capped at what is
// left of the order (so a discount larger than the order makes it free
// rather than negative) and split across the lines in proportion to what
// is left of each line, with money.Amount.AllocateWeights (shares sum
// exactly to the discount; leftover minor units go to the largest
// remainders, ties to the earlier line), so 150,000 on lines of 1,000,000
// and 500,000 is 100,000 + 50,000 and no line goes below zero. Tax is then
// computed per line on the discounted amount (see TaxPolicy), at the
// line's own rate (Catalog.TaxRate of its product and req.TaxTreatment),
// and rounded half-up.
//
// Errors: ErrEmptyQuote; an *ItemError wrapping the item's cause (the
// errors of PricePer30Days, a *QuantityError for a quantity outside
// 1..MaxItemQuantity, ErrInvalidPeriod — also matching
// period.ErrInvalidTerm or period.ErrInvalidSpan where one applies — for a
// missing, doubled, empty or too long period); a *DiscountError for a
// negative discount, one not in whole minor units, or one in another
// currency (also matching money.ErrCurrencyMismatch); a
// *TaxTreatmentError for an undeclared treatment.
func (c *Catalog) Quote(req QuoteRequest) (Quote, error) {
	if len(req.Items) == 0 {
		return Quote{}, ErrEmptyQuote
	}
	if err := CheckTaxTreatment(req.TaxTreatment); err != nil {
		return Quote{}, err
	}
	for i, d := range req.Discounts {
		if err := c.checkDiscount(i, d, len(req.Items)); err != nil {
			return Quote{}, err
		}
	}
	lines := make([]QuoteLine, len(req.Items))
	for i, it := range req.Items {
		l, err := c.quoteLine(i, it, req.TaxTreatment)
		if err != nil {
			return Quote{}, &ItemError{Index: i, ProductID: it.ProductID, Err: err}
		}
		lines[i] = l
	}

	var k money.Calc // first arithmetic error, if an invariant ever breaks
	applied, err := c.applyDiscounts(&k, lines, req.Discounts)
	if err != nil {
		return Quote{}, err
	}

	zero := c.zero()
	q := Quote{
		Currency: c.currency, TaxPolicy: c.tax, Lines: lines, Discounts: applied,
		Subtotal: zero, Discount: zero, Net: zero, Tax: zero, Total: zero,
	}
	for i := range lines {
		l := &lines[i]
		c.applyTax(&k, l)
		noteUntaxed(l)
		q.Subtotal = k.Add(q.Subtotal, l.Subtotal)
		q.Discount = k.Add(q.Discount, l.Discount)
		q.Net = k.Add(q.Net, l.Net)
		q.Tax = k.Add(q.Tax, l.Tax)
		q.Total = k.Add(q.Total, l.Total)
	}
	if k.Err() != nil {
		return Quote{}, fmt.Errorf("pricing: quote in %s: %w", c.currency, k.Err())
	}
	return q, nil
}
