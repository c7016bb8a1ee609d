package pricing_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

func TestSampleCatalogPrices(t *testing.T) {
	c := sample(t)
	tests := []struct {
		name      string
		product   string
		cfg       pricing.Configuration
		want      string
		breakdown []string
	}{
		{"vServer 2 vCPU / 4 GB RAM / 40 GB SSD costs 181,000", pricing.SampleVServer,
			pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}, "181000",
			[]string{"2 vCPU × 45,000 = 90,000", "4 GB RAM × 15,000 = 60,000", "40 GB SSD × 775 = 31,000"}},
		{"vServer 4 vCPU / 8 GB RAM / 200 GB SSD with Windows costs 520,000", pricing.SampleVServer,
			pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 200, "windows_licence": 1}}, "520000",
			[]string{"4 vCPU × 45,000 = 180,000", "8 GB RAM × 15,000 = 120,000", "200 GB SSD × 775 = 155,000",
				"1 Windows licence × 65,000 = 65,000"}},
		{"vServer plan basic-1 costs 90,000", pricing.SampleVServer,
			pricing.Configuration{Plan: "basic-1"}, "90000",
			[]string{"plan Basic 1 (1 vCPU / 2 GB / 20 GB SSD) 90,000"}},
		{"vServer plan basic-1 with a Windows add-on costs 155,000", pricing.SampleVServer,
			pricing.Configuration{Plan: "basic-1", Components: map[string]int64{"windows_licence": 1}}, "155000",
			[]string{"plan Basic 1 (1 vCPU / 2 GB / 20 GB SSD) 90,000", "1 Windows licence × 65,000 = 65,000"}},
		{"vStorage 50 GB SSD costs 35,000", pricing.SampleVStorage,
			pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, "35000",
			[]string{"50 GB SSD × 700 = 35,000"}},
		{"vStorage 1,500 GB HDD is graduated: 350,000 + 150,000 = 500,000", pricing.SampleVStorage,
			pricing.Configuration{Components: map[string]int64{"hdd_gb": 1500}}, "500000",
			[]string{"tier 1: 1,000 GB HDD × 350 = 350,000", "tier 2: 500 GB HDD × 300 = 150,000"}},
		{"vStorage 2,000 GB object is volume: 2,000 × 500 = 1,000,000", pricing.SampleVStorage,
			pricing.Configuration{Components: map[string]int64{"object_gb": 2000}}, "1000000",
			[]string{"tier 2: 2,000 GB object × 500 = 1,000,000"}},
		{"vStorage 10 GB object is raised to the 10,000 minimum", pricing.SampleVStorage,
			pricing.Configuration{Components: map[string]int64{"object_gb": 10}}, "10000",
			[]string{"tier 1: 10 GB object × 600 = 6,000", "Object storage: minimum 10,000 (adds 4,000)"}},
		{"vMonitor pro with 250 metrics is 150,000 + 3 packages × 20,000 = 210,000", pricing.SampleVMonitor,
			pricing.Configuration{Plan: "pro", Components: map[string]int64{"metrics": 250}}, "210000",
			[]string{"plan Pro 150,000", "250 metrics → 3 packages of 100 × 20,000 = 60,000"}},
		{"zero quantities are left out: vServer with windows_licence 0 still costs 181,000", pricing.SampleVServer,
			pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40, "windows_licence": 0}}, "181000",
			[]string{"2 vCPU × 45,000 = 90,000", "4 GB RAM × 15,000 = 60,000", "40 GB SSD × 775 = 31,000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.PricePer30Days(tt.product, tt.cfg)
			require.NoError(t, err)
			requireEqualAmount(t, vnd(t, tt.want), p.Amount, "price per 30 days")
			assert.Equal(t, tt.breakdown, p.Breakdown())
			assert.Equal(t, tt.product, p.ProductID)
			parts, err := money.Zero("VND")
			require.NoError(t, err)
			for _, part := range p.Parts {
				parts = add(t, parts, part.Amount)
			}
			requireEqualAmount(t, p.Amount, parts, "parts sum to the price")
		})
	}
}

func TestPricePer30DaysRefusesBadConfigurations(t *testing.T) {
	c := sample(t)
	server := func(comps map[string]int64) pricing.Configuration {
		return pricing.Configuration{Components: comps}
	}
	tests := []struct {
		name    string
		product string
		cfg     pricing.Configuration
		is      error
		check   func(t *testing.T, err error)
	}{
		{"an unknown product is ErrUnknownProduct", "vfoo", pricing.Configuration{Plan: "basic-1"}, pricing.ErrUnknownProduct,
			func(t *testing.T, err error) {
				var e *pricing.UnknownProductError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, "vfoo", e.ProductID)
			}},
		{"an unknown plan is ErrUnknownPlan", pricing.SampleVServer, pricing.Configuration{Plan: "mega-99"}, pricing.ErrUnknownPlan,
			func(t *testing.T, err error) {
				var e *pricing.UnknownPlanError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, pricing.UnknownPlanError{ProductID: "vserver", PlanID: "mega-99"}, *e)
			}},
		{"of two unknown components the smallest id is reported", pricing.SampleVServer,
			server(map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40, "zz_gpu": 1, "gpu": 1}), pricing.ErrUnknownComponent,
			func(t *testing.T, err error) {
				var e *pricing.UnknownComponentError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, pricing.UnknownComponentError{ProductID: "vserver", ComponentID: "gpu"}, *e)
			}},
		{"65 vCPU is above the 1..64 range", pricing.SampleVServer,
			server(map[string]int64{"vcpu": 65, "ram_gb": 4, "ssd_gb": 40}), pricing.ErrInvalidQuantity,
			func(t *testing.T, err error) {
				var e *pricing.QuantityError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, pricing.QuantityError{ProductID: "vserver", ComponentID: "vcpu", Quantity: "65", Reason: "must be 1..64"}, *e)
			}},
		{"10 GB SSD is below the 20..4,000 range", pricing.SampleVServer,
			server(map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 10}), pricing.ErrInvalidQuantity,
			func(t *testing.T, err error) {
				var e *pricing.QuantityError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, "must be 20..4000", e.Reason)
			}},
		{"-2 vCPU is a negative quantity", pricing.SampleVServer,
			server(map[string]int64{"vcpu": -2, "ram_gb": 4, "ssd_gb": 40}), pricing.ErrInvalidQuantity,
			func(t *testing.T, err error) {
				var e *pricing.QuantityError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, "must not be negative", e.Reason)
			}},
		{"2 Windows licences are above the 1..1 range", pricing.SampleVServer,
			pricing.Configuration{Plan: "basic-1", Components: map[string]int64{"windows_licence": 2}}, pricing.ErrInvalidQuantity, nil},
		{"without a plan vcpu is required", pricing.SampleVServer,
			server(map[string]int64{"ram_gb": 4, "ssd_gb": 40}), pricing.ErrInvalidConfiguration,
			func(t *testing.T, err error) {
				var e *pricing.ConfigurationError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, `component "vcpu" is required without a plan`, e.Reason)
			}},
		{"an empty configuration chooses nothing", pricing.SampleVStorage, pricing.Configuration{}, pricing.ErrInvalidConfiguration,
			func(t *testing.T, err error) {
				var e *pricing.ConfigurationError
				require.ErrorAs(t, err, &e)
				assert.Equal(t, "chooses neither a plan nor any component", e.Reason)
			}},
		{"only zero quantities choose nothing", pricing.SampleVStorage,
			server(map[string]int64{"ssd_gb": 0}), pricing.ErrInvalidConfiguration, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PricePer30Days(tt.product, tt.cfg)
			require.ErrorIs(t, err, tt.is)
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

// validProduct is a minimal product for catalog validation tests.
func validProduct() pricing.Product {
	return pricing.Product{
		ID: "p",
		Components: []pricing.Component{
			{ID: "c", Unit: "u", Model: pricing.PerUnit(dec("10"))},
		},
		Plans: []pricing.Plan{{ID: "plan", Price: dec("100")}},
	}
}

func TestNewCatalogRefusesBadDefinitions(t *testing.T) {
	with := func(edit func(p *pricing.Product)) []pricing.Product {
		p := validProduct()
		edit(&p)
		return []pricing.Product{p}
	}
	tests := []struct {
		name string
		cfg  pricing.Config
		is   error
		want pricing.CatalogError // compared without Err
	}{
		{"an unknown currency XXY is refused", pricing.Config{Currency: "XXY"}, money.ErrUnknownCurrency,
			pricing.CatalogError{Field: "currency"}},
		{"a missing currency is refused", pricing.Config{}, money.ErrUnknownCurrency,
			pricing.CatalogError{Field: "currency"}},
		{"a tax rate of 1.5 is refused", pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: dec("1.5")}},
			pricing.ErrInvalidRate, pricing.CatalogError{Field: "tax"}},
		{"a tax rate of -0.1 is refused", pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: dec("-0.1")}},
			pricing.ErrInvalidRate, pricing.CatalogError{Field: "tax"}},
		{"tax mode 7 is refused", pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Mode: 7}},
			pricing.ErrInvalidCatalog, pricing.CatalogError{Field: "tax"}},
		{"negative limits are refused", pricing.Config{Currency: "VND", MaxItemQuantity: -1},
			pricing.ErrInvalidCatalog, pricing.CatalogError{Field: "limits", Reason: "must not be negative"}},
		{"a duplicate product id is refused", pricing.Config{Currency: "VND", Products: []pricing.Product{validProduct(), validProduct()}},
			pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Reason: "duplicate product id"}},
		{"an empty product id is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) { p.ID = "" })},
			pricing.ErrInvalidCatalog, pricing.CatalogError{Reason: "product id is empty"}},
		{"a product id with surrounding space is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) { p.ID = " p" })},
			pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: " p", Reason: `product id " p" has surrounding space`}},
		{"a product with neither components nor plans is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components, p.Plans = nil, nil
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Reason: "has neither components nor plans"}},
		{"a duplicate component id is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components = append(p.Components, p.Components[0])
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: `component "c"`, Reason: "id already used by a component"}},
		{"a plan id equal to a component id is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Plans[0].ID = "c"
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: `plan "c"`, Reason: "id already used by a component"}},
		{"an empty component id is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components[0].ID = ""
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: `component ""`, Reason: "id is empty"}},
		{"an empty plan id is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Plans[0].ID = ""
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: `plan ""`, Reason: "id is empty"}},
		{"a component with a bad model is refused and names the model error", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components[0].Model = pricing.Package(dec("0"), dec("1"))
		})}, pricing.ErrInvalidModel, pricing.CatalogError{ProductID: "p", Field: `component "c"`}},
		{"a component with an unset model is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components[0].Model = pricing.ChargeModel{}
		})}, pricing.ErrInvalidModel, pricing.CatalogError{ProductID: "p", Field: `component "c"`}},
		{"min quantity 10 above max 5 is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components[0].MinQuantity, p.Components[0].MaxQuantity = 10, 5
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: `component "c"`, Reason: "min quantity 10 is above max 5"}},
		{"a negative max quantity is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Components[0].MaxQuantity = -1
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: `component "c"`, Reason: "quantity limits must not be negative"}},
		{"a negative plan price is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.Plans[0].Price = dec("-1")
		})}, pricing.ErrInvalidPrice, pricing.CatalogError{ProductID: "p", Field: `plan "plan"`}},
		{"a term discount for 0 months is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.TermDiscounts = []pricing.TermDiscount{{Months: 0, Rate: dec("0.1")}}
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: "term discount for 0 months", Reason: "months must be at least 1"}},
		{"two term discounts for 6 months are refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.TermDiscounts = []pricing.TermDiscount{{Months: 6, Rate: dec("0.05")}, {Months: 6, Rate: dec("0.1")}}
		})}, pricing.ErrInvalidCatalog, pricing.CatalogError{ProductID: "p", Field: "term discount for 6 months", Reason: "months repeated"}},
		{"a term discount of 100% is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.TermDiscounts = []pricing.TermDiscount{{Months: 12, Rate: dec("1")}}
		})}, pricing.ErrInvalidRate, pricing.CatalogError{ProductID: "p", Field: "term discount for 12 months"}},
		{"a negative term discount is refused", pricing.Config{Currency: "VND", Products: with(func(p *pricing.Product) {
			p.TermDiscounts = []pricing.TermDiscount{{Months: 12, Rate: dec("-0.1")}}
		})}, pricing.ErrInvalidRate, pricing.CatalogError{ProductID: "p", Field: "term discount for 12 months"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := pricing.NewCatalog(tt.cfg)
			require.Nil(t, c)
			require.ErrorIs(t, err, pricing.ErrInvalidCatalog)
			require.ErrorIs(t, err, tt.is)
			var ce *pricing.CatalogError
			require.ErrorAs(t, err, &ce)
			got := *ce
			got.Err = nil
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCatalogIsImmutable(t *testing.T) {
	products := []pricing.Product{validProduct()}
	comps := map[string]int64{"c": 3}
	c, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: products})
	require.NoError(t, err)

	// Changing the caller's definition after construction changes nothing.
	products[0].Components[0].Model.Amount = dec("999")
	products[0].Plans[0].Price = dec("1")
	p, err := c.PricePer30Days("p", pricing.Configuration{Components: comps})
	require.NoError(t, err)
	requireEqualAmount(t, vnd(t, "30"), p.Amount, "3 × 10 after the caller edited its slice")

	// Changing what the catalog hands out changes nothing either.
	got, err := c.Product("p")
	require.NoError(t, err)
	got.Components[0].Model.Amount = dec("999")
	got.Plans[0].Price = dec("1")
	all := c.Products()
	all[0].Components[0].Model.Amount = dec("999")
	again, err := c.Product("p")
	require.NoError(t, err)
	if diff := cmp.Diff(validProduct(), again, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("catalog product changed (-want +got):\n%s", diff)
	}
}

func TestCatalogAccessors(t *testing.T) {
	c := sample(t)
	assert.Equal(t, "VND", c.Currency().Code())
	assert.True(t, c.Tax().Rate.Equal(dec("0.1")))
	assert.Equal(t, pricing.TaxExclusive, c.Tax().Mode)
	assert.Equal(t, int64(pricing.DefaultMaxItemQuantity), c.MaxItemQuantity())
	assert.Equal(t, int64(pricing.DefaultMaxBillingDays*1440), c.MaxBillingMinutes())
	ids := []string{}
	for _, p := range c.Products() {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"vserver", "vstorage", "vmonitor"}, ids)
	_, err := c.Product("nope")
	assert.ErrorIs(t, err, pricing.ErrUnknownProduct)
	_, err = c.ProductName("nope")
	assert.ErrorIs(t, err, pricing.ErrUnknownProduct)
	for _, p := range c.Products() {
		name, err := c.ProductName(p.ID)
		require.NoError(t, err)
		assert.Equal(t, p.Name, name)
	}

	for _, tt := range []struct {
		months int
		want   string
	}{{0, "0"}, {3, "0"}, {5, "0"}, {6, "0.05"}, {9, "0.05"}, {11, "0.05"}, {12, "0.15"}, {36, "0.15"}} {
		r, err := c.TermDiscountRate("vserver", tt.months)
		require.NoError(t, err)
		assert.Truef(t, dec(tt.want).Equal(r), "%d months: want %s, got %s", tt.months, tt.want, r)
	}
	_, err = c.TermDiscountRate("nope", 12)
	assert.ErrorIs(t, err, pricing.ErrUnknownProduct)
}

func TestTaxModeString(t *testing.T) {
	assert.Equal(t, "exclusive", pricing.TaxExclusive.String())
	assert.Equal(t, "inclusive", pricing.TaxInclusive.String())
	assert.Equal(t, "TaxMode(5)", pricing.TaxMode(5).String())
}

func TestConfigurationCloneIsIndependent(t *testing.T) {
	a := pricing.Configuration{Plan: "x", Components: map[string]int64{"vcpu": 2}}
	b := a.Clone()
	b.Components["vcpu"] = 8
	assert.Equal(t, int64(2), a.Components["vcpu"])
}

func TestCatalogIsSafeForConcurrentUse(t *testing.T) {
	c := sample(t)
	want := vnd(t, "181000")
	done := make(chan string)
	for range 8 {
		go func() {
			for range 200 {
				p, err := c.PricePer30Days(pricing.SampleVServer, config2x4x40())
				if err != nil || !p.Amount.Equal(want) {
					done <- "wrong price"
					return
				}
				_ = c.Products()
			}
			done <- ""
		}()
	}
	for range 8 {
		assert.Empty(t, <-done)
	}
}
