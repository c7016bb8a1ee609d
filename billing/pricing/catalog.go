package pricing

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// Defaults for the zero fields of Config.
const (
	// DefaultMaxItemQuantity is the most units of one item a quote accepts
	// when Config.MaxItemQuantity is zero.
	DefaultMaxItemQuantity = 1000
	// DefaultMaxBillingDays is the longest period (in days, 3660 ≈ 10
	// years) one quote item may be billed for when Config.MaxBillingDays is
	// zero; it is far beyond the longest renewal cycle (36 months) and
	// stops absurd terms.
	DefaultMaxBillingDays = 3660
)

// TaxMode says whether catalog prices include tax.
type TaxMode int

const (
	// TaxExclusive prices are net; tax is added on top: tax = net × rate.
	// It is the zero value.
	TaxExclusive TaxMode = iota
	// TaxInclusive prices already contain tax: tax = gross × rate ÷ (1 +
	// rate), net = gross − tax.
	TaxInclusive
)

// String returns "exclusive" or "inclusive", or "TaxMode(n)" for an
// undeclared value.
func (m TaxMode) String() string {
	switch m {
	case TaxExclusive:
		return "exclusive"
	case TaxInclusive:
		return "inclusive"
	default:
		return "TaxMode(" + strconv.Itoa(int(m)) + ")"
	}
}

// TaxPolicy is the catalog's tax (VAT) rule. The zero value is no tax,
// prices exclusive.
type TaxPolicy struct {
	// Rate is the tax rate as a fraction, 0 ≤ Rate ≤ 1 (0.1 is 10% VAT).
	Rate decimal.Decimal `json:"rate"`
	// Mode says whether prices include the tax.
	Mode TaxMode `json:"mode"`
}

// validate checks the rate range and the mode.
func (t TaxPolicy) validate() error {
	if t.Rate.IsNegative() || t.Rate.GreaterThan(decimal.NewFromInt(1)) {
		return fmt.Errorf("%w: tax rate %s is not in [0, 1]", ErrInvalidRate, t.Rate)
	}
	if t.Mode != TaxExclusive && t.Mode != TaxInclusive {
		return fmt.Errorf("unknown tax mode %s", t.Mode)
	}
	return nil
}

// Config defines a catalog for NewCatalog. Zero fields take the documented
// defaults; Currency has none and must be set.
type Config struct {
	// Currency is the ISO 4217 code every price is in, e.g. "VND".
	Currency string
	// Tax is the tax policy; the zero value is no tax.
	Tax TaxPolicy
	// TaxCategories are the reduced (or other) VAT rates of product
	// categories: category id → rate, 0 ≤ rate ≤ 1 with at most
	// invoice.MaxRatePlaces places (0.05 is 5 %, 0.08 the reduction from
	// 10 %). A product names its category in Product.TaxCategory; a product
	// that names none is taxed at Tax.Rate. Tax.Mode applies to every rate.
	TaxCategories map[string]decimal.Decimal
	// Products are the products, in display order; ids must be unique.
	Products []Product
	// MaxItemQuantity bounds QuoteItem.Quantity; zero means
	// DefaultMaxItemQuantity.
	MaxItemQuantity int64
	// MaxBillingDays bounds how long a quote item is billed for; zero means
	// DefaultMaxBillingDays.
	MaxBillingDays int64
}

// Catalog holds a currency, a tax policy and products, and prices
// configurations and quotes. It is immutable after NewCatalog (it keeps
// copies of its inputs and hands out copies), so it is safe for concurrent
// use.
type Catalog struct {
	currency money.Currency
	tax      TaxPolicy
	// taxCategories is a copy of Config.TaxCategories.
	taxCategories map[string]decimal.Decimal
	maxQty        int64
	maxMinutes    int64
	products      []entry
	index         map[string]int
}

// entry is a product with lookup tables built once at construction.
type entry struct {
	p          Product
	components map[string]int
	plans      map[string]int
}

// NewCatalog validates cfg and returns the catalog. Every refusal is a
// *CatalogError matching ErrInvalidCatalog and, where there is one, the
// cause: money.ErrUnknownCurrency for the currency, ErrInvalidModel for a
// component's model, ErrInvalidRate for a tax or term-discount rate,
// ErrInvalidPrice for a negative plan price, period.ErrInvalidTermSet for a
// product's Terms (and period.ErrInvalidTerm for a malformed term in it). Ids must be non-empty, without
// surrounding space, unique among products, and unique among one product's
// components and plans together (so a breakdown line is never ambiguous).
func NewCatalog(cfg Config) (*Catalog, error) {
	cur, err := money.LookupCurrency(cfg.Currency)
	if err != nil {
		return nil, &CatalogError{Field: "currency", Err: err}
	}
	if err := cfg.Tax.validate(); err != nil {
		return nil, &CatalogError{Field: "tax", Err: err}
	}
	if err := checkTaxCategories(cfg.TaxCategories); err != nil {
		return nil, err
	}
	if cfg.MaxItemQuantity < 0 || cfg.MaxBillingDays < 0 {
		return nil, &CatalogError{Field: "limits", Reason: "must not be negative"}
	}
	c := &Catalog{
		currency:      cur,
		tax:           cfg.Tax,
		taxCategories: maps.Clone(cfg.TaxCategories),
		maxQty:        orDefault(cfg.MaxItemQuantity, DefaultMaxItemQuantity),
		maxMinutes:    orDefault(cfg.MaxBillingDays, DefaultMaxBillingDays) * minutesPerDay,
		products:      make([]entry, 0, len(cfg.Products)),
		index:         make(map[string]int, len(cfg.Products)),
	}
	if c.maxMinutes/minutesPerDay != orDefault(cfg.MaxBillingDays, DefaultMaxBillingDays) {
		return nil, &CatalogError{Field: "limits", Reason: "max billing days overflows minutes"}
	}
	for _, p := range cfg.Products {
		if err := p.validate(); err != nil {
			return nil, err
		}
		if err := checkProductCategory(p, cfg.TaxCategories); err != nil {
			return nil, err
		}
		if _, dup := c.index[p.ID]; dup {
			return nil, &CatalogError{ProductID: p.ID, Reason: "duplicate product id"}
		}
		p = p.clone()
		e := entry{p: p, components: make(map[string]int, len(p.Components)), plans: make(map[string]int, len(p.Plans))}
		for i, comp := range p.Components {
			e.components[comp.ID] = i
		}
		for i, pl := range p.Plans {
			e.plans[pl.ID] = i
		}
		c.index[p.ID] = len(c.products)
		c.products = append(c.products, e)
	}
	return c, nil
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

// Currency returns the catalog's currency.
func (c *Catalog) Currency() money.Currency { return c.currency }

// Tax returns the catalog's tax policy.
func (c *Catalog) Tax() TaxPolicy { return c.tax }

// MaxItemQuantity returns the most units of one item a quote accepts.
func (c *Catalog) MaxItemQuantity() int64 { return c.maxQty }

// MaxBillingMinutes returns the longest period, in minutes, one quote item
// may be billed for.
func (c *Catalog) MaxBillingMinutes() int64 { return c.maxMinutes }

// Products returns copies of all products in display order; changing them
// does not change the catalog.
func (c *Catalog) Products() []Product {
	out := make([]Product, len(c.products))
	for i, e := range c.products {
		out[i] = e.p.clone()
	}
	return out
}

// Product returns a copy of the product with the given id, or an
// *UnknownProductError matching ErrUnknownProduct.
func (c *Catalog) Product(id string) (Product, error) {
	e, err := c.lookup(id)
	if err != nil {
		return Product{}, err
	}
	return e.p.clone(), nil
}

// ProductName returns the name of product id, or an *UnknownProductError
// (matching ErrUnknownProduct) when the catalog has no such product. It is
// Product(id).Name without copying the product.
func (c *Catalog) ProductName(id string) (string, error) {
	e, err := c.lookup(id)
	if err != nil {
		return "", err
	}
	return e.p.Name, nil
}

// lookup finds a product's entry without copying it.
func (c *Catalog) lookup(id string) (*entry, error) {
	i, ok := c.index[id]
	if !ok {
		return nil, &UnknownProductError{ProductID: id}
	}
	return &c.products[i], nil
}

// TermDiscountRate returns the term discount rate product id gives a term
// of months whole months (zero when none applies), or an
// *UnknownProductError.
func (c *Catalog) TermDiscountRate(id string, months int) (decimal.Decimal, error) {
	e, err := c.lookup(id)
	if err != nil {
		return decimal.Zero, err
	}
	return e.p.termDiscountRate(months), nil
}

// PostpaidDiscountRate returns the postpaid discount of product id at
// configuration cfg: the plan's PostpaidDiscount when cfg names a plan that
// has one, else the product's (zero when neither has one); or an
// *UnknownProductError. An unknown plan id gives the product's rate.
func (c *Catalog) PostpaidDiscountRate(id string, cfg Configuration) (decimal.Decimal, error) {
	e, err := c.lookup(id)
	if err != nil {
		return decimal.Zero, err
	}
	for _, pl := range e.p.Plans {
		if cfg.Plan != "" && pl.ID == cfg.Plan && !pl.PostpaidDiscount.IsZero() {
			return pl.PostpaidDiscount, nil
		}
	}
	return e.p.PostpaidDiscount, nil
}

// Terms returns the terms product id sells, with period.DefaultTerms
// applied when the product states none, as a copy; or an
// *UnknownProductError. Product pages list the choices from it.
func (c *Catalog) Terms(id string) (period.TermSet, error) {
	e, err := c.lookup(id)
	if err != nil {
		return period.TermSet{}, err
	}
	return e.p.Terms.OrDefault(), nil
}

// CheckTerm returns nil when product id sells term t (see
// period.TermSet.Check). Otherwise it returns an *UnknownProductError for
// an unknown id, or, wrapped with the product id, the *period.TermError of
// a malformed term (period.ErrInvalidTerm) or the *period.NotSoldError of a
// valid term the product does not sell (period.ErrTermNotSold), e.g.
// `pricing: product "vserver": period: term 7 months is not sold; allowed:
// 1, 3, 6, 12, 24, 36 months`. Check every purchase, renewal and recovery;
// the catalog's quotes do not.
func (c *Catalog) CheckTerm(id string, t period.Term) error {
	e, err := c.lookup(id)
	if err != nil {
		return err
	}
	if err := e.p.Terms.Check(t); err != nil {
		return fmt.Errorf("pricing: product %q: %w", id, err)
	}
	return nil
}

// CheckSpan returns nil when product id sells an explicit span of s's
// length (see period.TermSet.CheckSpan); otherwise an
// *UnknownProductError, or a *period.NotSoldError (period.ErrTermNotSold)
// wrapped with the product id. Check a purchase of a chosen span; an
// extension that aligns end times is not one.
func (c *Catalog) CheckSpan(id string, s period.Span) error {
	e, err := c.lookup(id)
	if err != nil {
		return err
	}
	if err := e.p.Terms.CheckSpan(s); err != nil {
		return fmt.Errorf("pricing: product %q: %w", id, err)
	}
	return nil
}
