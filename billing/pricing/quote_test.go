package pricing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// config2x4x40 is the brief's vServer configuration, 181,000 per 30 days.
func config2x4x40() pricing.Configuration {
	return pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
}

// amounts renders amounts as plain numbers for compact assertions.
func amounts(as ...money.Amount) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Number().String()
	}
	return out
}

func TestQuoteWorkedExample(t *testing.T) {
	// 90,000/30 × 60 + 35,000/30 × 60 − 20,000 = 230,000 before tax.
	c := sample(t)
	q, err := c.Quote(pricing.QuoteRequest{
		Items: []pricing.QuoteItem{
			{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}},
				Quantity: 1, Term: period.Days(60)},
		},
		Discounts: []pricing.Discount{{Code: "WELCOME", Label: "Welcome coupon", Amount: vnd(t, "20000")}},
	})
	require.NoError(t, err)
	require.Empty(t, checkQuote(t, q))
	require.Len(t, q.Lines, 2)

	assert.Equal(t, []string{"180000", "70000"}, amounts(q.Lines[0].Base, q.Lines[1].Base), "line bases")
	assert.Equal(t, []string{"180000", "70000"}, amounts(q.Lines[0].Subtotal, q.Lines[1].Subtotal), "no term discount for 60 days")
	assert.Equal(t, []string{"14400", "5600"}, amounts(q.Lines[0].Discount, q.Lines[1].Discount), "discount split by share")
	assert.Equal(t, []string{"165600", "64400"}, amounts(q.Lines[0].Net, q.Lines[1].Net))
	assert.Equal(t, []string{"16560", "6440"}, amounts(q.Lines[0].Tax, q.Lines[1].Tax), "10% VAT per line")
	assert.Equal(t, []string{"250000", "20000", "230000", "23000", "253000"},
		amounts(q.Subtotal, q.Discount, q.Net, q.Tax, q.Total), "subtotal, discount, net (before tax), tax, total")
	assert.Equal(t, []pricing.DiscountShare{{Code: "WELCOME", Label: "Welcome coupon", Amount: vnd(t, "14400")}},
		q.Lines[0].Discounts)
	if diff := cmp.Diff([]pricing.AppliedDiscount{{Code: "WELCOME", Label: "Welcome coupon",
		Requested: vnd(t, "20000"), Applied: vnd(t, "20000")}}, q.Discounts); diff != "" {
		t.Errorf("applied discounts (-want +got):\n%s", diff)
	}
	assert.Equal(t, []string{
		"plan Basic 1 (1 vCPU / 2 GB / 20 GB SSD) 90,000",
		"90,000 per 30 days ÷ 30 × 60 days = 180,000",
		"discount Welcome coupon: −14,400",
		"tax 10% of 165,600: 16,560",
	}, q.Lines[0].Breakdown)
	assert.Equal(t, []string{
		"50 GB SSD × 700 = 35,000",
		"35,000 per 30 days ÷ 30 × 60 days = 70,000",
		"discount Welcome coupon: −5,600",
		"tax 10% of 64,400: 6,440",
	}, q.Lines[1].Breakdown)
	assert.Equal(t, int64(60*1440), q.Lines[0].Minutes)
}

// twoPlanCatalog has plans of 1,000,000 and 500,000 per 30 days.
func twoPlanCatalog(t *testing.T, tax pricing.TaxPolicy) *pricing.Catalog {
	t.Helper()
	c, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: tax, Products: []pricing.Product{{
		ID: "p",
		Plans: []pricing.Plan{
			{ID: "big", Price: dec("1000000")}, {ID: "small", Price: dec("500000")},
			{ID: "inc", Price: dec("110000")}, {ID: "odd", Price: dec("100000")}, {ID: "free", Price: dec("0")},
			{ID: "one", Price: dec("1")}, {ID: "frac", Price: dec("120667")}, {ID: "half", Price: dec("100005")},
		},
	}}})
	require.NoError(t, err)
	return c
}

// planItems returns one 30-day item per plan id.
func planItems(plans ...string) []pricing.QuoteItem {
	items := make([]pricing.QuoteItem, len(plans))
	for i, p := range plans {
		items[i] = pricing.QuoteItem{ProductID: "p", Configuration: pricing.Configuration{Plan: p}, Quantity: 1, Term: period.Months(1)}
	}
	return items
}

func TestQuoteOrderDiscounts(t *testing.T) {
	c := twoPlanCatalog(t, pricing.TaxPolicy{})
	tests := []struct {
		name      string
		plans     []string
		discounts []string
		lineDisc  []string
		applied   []string
		total     string
	}{
		{"150,000 on 1,000,000 + 500,000 splits 100,000 + 50,000", []string{"big", "small"},
			[]string{"150000"}, []string{"100000", "50000"}, []string{"150000"}, "1350000"},
		{"1 on 1,000,000 + 500,000 goes to the larger remainder, the first line", []string{"big", "small"},
			[]string{"1"}, []string{"1", "0"}, []string{"1"}, "1499999"},
		{"100 on three equal lines splits 34 + 33 + 33, ties to the earlier line", []string{"small", "small", "small"},
			[]string{"100"}, []string{"34", "33", "33"}, []string{"100"}, "1499900"},
		{"2,000,000 on a 1,500,000 order is capped at 1,500,000", []string{"big", "small"},
			[]string{"2000000"}, []string{"1000000", "500000"}, []string{"1500000"}, "0"},
		{"two discounts apply in order: 300,000 then 150,000 on what is left", []string{"big", "small"},
			[]string{"300000", "150000"}, []string{"300000", "150000"}, []string{"300000", "150000"}, "1050000"},
		{"two discounts of 1 on two lines of 1 take 1 from each, never 2 from one", []string{"one", "one"},
			[]string{"1", "1"}, []string{"1", "1"}, []string{"1", "1"}, "0"},
		{"a second discount after the order is free applies 0", []string{"small"},
			[]string{"500000", "10000"}, []string{"500000"}, []string{"500000", "0"}, "0"},
		{"a zero discount applies 0", []string{"small"},
			[]string{"0"}, []string{"0"}, []string{"0"}, "500000"},
		{"a free line gets no share of a discount", []string{"free", "small"},
			[]string{"1000"}, []string{"0", "1000"}, []string{"1000"}, "499000"},
		{"a discount on an order of free lines applies 0", []string{"free", "free"},
			[]string{"1000"}, []string{"0", "0"}, []string{"0"}, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := pricing.QuoteRequest{Items: planItems(tt.plans...)}
			for i, d := range tt.discounts {
				req.Discounts = append(req.Discounts, pricing.Discount{Code: "D" + string(rune('1'+i)), Amount: vnd(t, d)})
			}
			q, err := c.Quote(req)
			require.NoError(t, err)
			require.Empty(t, checkQuote(t, q))
			var gotLine, gotApplied []string
			for _, l := range q.Lines {
				gotLine = append(gotLine, l.Discount.Number().String())
				if l.Discount.IsZero() {
					assert.Empty(t, l.Discounts, "a line without discount lists no zero shares")
				}
			}
			for _, d := range q.Discounts {
				gotApplied = append(gotApplied, d.Applied.Number().String())
			}
			assert.Equal(t, tt.lineDisc, gotLine, "line discounts")
			assert.Equal(t, tt.applied, gotApplied, "applied discounts")
			requireEqualAmount(t, vnd(t, tt.total), q.Total, "total")
		})
	}
}

func TestQuoteTaxModes(t *testing.T) {
	tests := []struct {
		name                  string
		tax                   pricing.TaxPolicy
		plan                  string
		discount              string
		subtotal, net, tx, tt string
	}{
		{"exclusive 10%: 100,000 net pays 10,000 tax, 110,000 total", pricing.TaxPolicy{Rate: dec("0.1")},
			"odd", "0", "100000", "100000", "10000", "110000"},
		{"exclusive 10% after a 11,000 discount: 89,000 net, 8,900 tax", pricing.TaxPolicy{Rate: dec("0.1")},
			"odd", "11000", "100000", "89000", "8900", "97900"},
		{"inclusive 10%: 110,000 gross holds 10,000 tax and 100,000 net", pricing.TaxPolicy{Rate: dec("0.1"), Mode: pricing.TaxInclusive},
			"inc", "0", "110000", "100000", "10000", "110000"},
		{"inclusive 10% after a 11,000 discount: 99,000 gross holds 9,000 tax", pricing.TaxPolicy{Rate: dec("0.1"), Mode: pricing.TaxInclusive},
			"inc", "11000", "110000", "90000", "9000", "99000"},
		{"inclusive 10%: 100,000 gross holds 9,091 tax (9,090.9 rounded half-up)", pricing.TaxPolicy{Rate: dec("0.1"), Mode: pricing.TaxInclusive},
			"odd", "0", "100000", "90909", "9091", "100000"},
		{"exclusive 10% of 120,667 is 12,067 (12,066.7 rounded half-up)", pricing.TaxPolicy{Rate: dec("0.1")},
			"frac", "0", "120667", "120667", "12067", "132734"},
		{"exclusive 10% of 100,005 is 10,001 (10,000.5 rounded half-up, not to even)", pricing.TaxPolicy{Rate: dec("0.1")},
			"half", "0", "100005", "100005", "10001", "110006"},
		{"exclusive 8%: 100,000 net pays 8,000 tax", pricing.TaxPolicy{Rate: dec("0.08")},
			"odd", "0", "100000", "100000", "8000", "108000"},
		{"no tax: total equals net", pricing.TaxPolicy{},
			"odd", "0", "100000", "100000", "0", "100000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := twoPlanCatalog(t, tc.tax)
			q, err := c.Quote(pricing.QuoteRequest{Items: planItems(tc.plan),
				Discounts: []pricing.Discount{{Code: "X", Amount: vnd(t, tc.discount)}}})
			require.NoError(t, err)
			require.Empty(t, checkQuote(t, q))
			assert.Equal(t, []string{tc.subtotal, tc.net, tc.tx, tc.tt}, amounts(q.Subtotal, q.Net, q.Tax, q.Total))
			last := q.Lines[0].Breakdown[len(q.Lines[0].Breakdown)-1]
			assert.Equal(t, !tc.tax.Rate.IsZero(), strings.HasPrefix(last, "tax "), "a tax line only when there is a tax rate: %q", last)
		})
	}
}

func TestQuoteInclusiveBreakdown(t *testing.T) {
	c := twoPlanCatalog(t, pricing.TaxPolicy{Rate: dec("0.1"), Mode: pricing.TaxInclusive})
	q, err := c.Quote(pricing.QuoteRequest{Items: planItems("odd")})
	require.NoError(t, err)
	assert.Equal(t, "tax 10% included in 100,000: 9,091", q.Lines[0].Breakdown[len(q.Lines[0].Breakdown)-1])
}

func TestQuoteTermsAndSpans(t *testing.T) {
	c := sample(t)
	start := time.Date(2023, 4, 5, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name                     string
		quantity                 int64
		term                     period.Term
		span                     period.Span
		base, rate, termDisc, st string
	}{
		{"1 month of 181,000 is 181,000", 1, period.Months(1), period.Span{}, "181000", "0", "0", "181000"},
		{"3 months get no term discount: 543,000", 1, period.Months(3), period.Span{}, "543000", "0", "0", "543000"},
		{"6 months get 5%: 1,086,000 − 54,300", 1, period.Months(6), period.Span{}, "1086000", "0.05", "54300", "1031700"},
		{"9 months get the 6-month 5%: 1,629,000 − 81,450", 1, period.Months(9), period.Span{}, "1629000", "0.05", "81450", "1547550"},
		{"12 months get 15%: 2,172,000 − 325,800", 1, period.Months(12), period.Span{}, "2172000", "0.15", "325800", "1846200"},
		{"24 months get 15%: 4,344,000 − 651,600", 1, period.Months(24), period.Span{}, "4344000", "0.15", "651600", "3692400"},
		{"12 months 5 days are 365 billing days: 2,202,167 − 15% 330,325", 1, period.Term{Months: 12, Days: 5}, period.Span{},
			"2202167", "0.15", "330325", "1871842"},
		{"6 months 1 day are 181 billing days: 1,092,033 − 5% 54,602 (54,601.65 rounded half-up)", 1, period.Term{Months: 6, Days: 1},
			period.Span{}, "1092033", "0.05", "54602", "1037431"},
		{"20 days of 181,000 are 120,667 (120,666.67 rounded half-up)", 1, period.Days(20), period.Span{}, "120667", "0", "0", "120667"},
		{"3 units for 1 month are 543,000", 3, period.Months(1), period.Span{}, "543000", "0", "0", "543000"},
		{"3 units for 20 days are rounded once: 362,000", 3, period.Days(20), period.Span{}, "362000", "0", "0", "362000"},
		{"a span of 20 days is 28,800 minutes: 120,667", 1, period.Term{},
			period.Span{Start: start, End: start.Add(20 * 24 * time.Hour)}, "120667", "0", "0", "120667"},
		{"a span of 360 days gets no term discount: 2,172,000", 1, period.Term{},
			period.Span{Start: start, End: start.Add(360 * 24 * time.Hour)}, "2172000", "0", "0", "2172000"},
		{"a span of 1 minute is 181,000 ÷ 43,200 = 4.19, rounded to 4", 1, period.Term{},
			period.Span{Start: start, End: start.Add(time.Minute + 59*time.Second)}, "4", "0", "0", "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{{
				ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: tt.quantity, Term: tt.term, Span: tt.span,
			}}})
			require.NoError(t, err)
			require.Empty(t, checkQuote(t, q))
			l := q.Lines[0]
			assert.Equal(t, []string{tt.base, tt.termDisc, tt.st}, amounts(l.Base, l.TermDiscount, l.Subtotal))
			assert.Truef(t, dec(tt.rate).Equal(l.TermDiscountRate), "rate: want %s, got %s", tt.rate, l.TermDiscountRate)
		})
	}
}

func TestQuoteBreakdownNamesTermDiscountAndSpan(t *testing.T) {
	c := sample(t)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	q, err := c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
		{ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: 2, Term: period.Months(12)},
		{ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: 1,
			Span: period.Span{Start: start, End: start.Add(50 * 24 * time.Hour)}},
	}})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"2 vCPU × 45,000 = 90,000", "4 GB RAM × 15,000 = 60,000", "40 GB SSD × 775 = 31,000",
		"181,000 per 30 days × 2 ÷ 30 × 360 days = 4,344,000",
		"term discount 12 months 15%: −651,600",
		"tax 10% of 3,692,400: 369,240",
	}, q.Lines[0].Breakdown)
	assert.Equal(t, "181,000 per 30 days × 72,000 minutes ÷ 43,200 = 301,667", q.Lines[1].Breakdown[3])
}

func TestQuoteRoundsToCurrencyDigits(t *testing.T) {
	c, err := pricing.NewCatalog(pricing.Config{Currency: "USD", Tax: pricing.TaxPolicy{Rate: dec("0.075")},
		Products: []pricing.Product{{ID: "p", Plans: []pricing.Plan{{ID: "a", Price: dec("10")}}}}})
	require.NoError(t, err)
	q, err := c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
		{ProductID: "p", Configuration: pricing.Configuration{Plan: "a"}, Quantity: 1, Term: period.Days(1)},
	}})
	require.NoError(t, err)
	require.Empty(t, checkQuote(t, q))
	// 10 ÷ 30 = 0.3333… → 0.33; tax 7.5% of 0.33 = 0.02475 → 0.02.
	assert.Equal(t, []string{"0.33", "0.02", "0.35"}, amounts(q.Subtotal, q.Tax, q.Total))
}

func TestQuoteRefusesBadInput(t *testing.T) {
	c := sample(t)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	good := func() pricing.QuoteItem {
		return pricing.QuoteItem{ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: 1, Term: period.Months(1)}
	}
	item := func(edit func(it *pricing.QuoteItem)) []pricing.QuoteItem {
		it := good()
		edit(&it)
		return []pricing.QuoteItem{good(), it}
	}
	usd, err := money.New("1000", "USD")
	require.NoError(t, err)
	tests := []struct {
		name string
		req  pricing.QuoteRequest
		is   []error
	}{
		{"a request without items is ErrEmptyQuote", pricing.QuoteRequest{}, []error{pricing.ErrEmptyQuote}},
		{"quantity 0 is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) { it.Quantity = 0 })},
			[]error{pricing.ErrInvalidQuantity}},
		{"quantity -1 is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) { it.Quantity = -1 })},
			[]error{pricing.ErrInvalidQuantity}},
		{"quantity 1,001 is above the 1,000 limit", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) { it.Quantity = 1001 })},
			[]error{pricing.ErrInvalidQuantity}},
		{"an unknown product is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) { it.ProductID = "vnope" })},
			[]error{pricing.ErrUnknownProduct}},
		{"an unknown plan is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Configuration = pricing.Configuration{Plan: "x"}
		})}, []error{pricing.ErrUnknownPlan}},
		{"an unknown component is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Configuration.Components["gpu"] = 1
		})}, []error{pricing.ErrUnknownComponent}},
		{"100 vCPU is out of range", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Configuration.Components["vcpu"] = 100
		})}, []error{pricing.ErrInvalidQuantity}},
		{"neither term nor span is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) { it.Term = period.Term{} })},
			[]error{pricing.ErrInvalidPeriod}},
		{"both term and span are refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Span = period.Span{Start: start, End: start.Add(time.Hour)}
		})}, []error{pricing.ErrInvalidPeriod}},
		{"a term of -1 months is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) { it.Term = period.Months(-1) })},
			[]error{pricing.ErrInvalidPeriod, period.ErrInvalidTerm}},
		{"a term of 1,200 months is longer than 3,660 billing days", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Term = period.Months(1200)
		})}, []error{pricing.ErrInvalidPeriod, period.ErrInvalidTerm}},
		{"a term of 3,661 days is longer than 3,660 billing days", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Term = period.Days(3661)
		})}, []error{pricing.ErrInvalidPeriod, period.ErrInvalidTerm}},
		{"a span ending before it starts is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Term = period.Term{}
			it.Span = period.Span{Start: start, End: start.Add(-time.Hour)}
		})}, []error{pricing.ErrInvalidPeriod, period.ErrInvalidSpan}},
		{"a span of 59 seconds bills nothing and is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Term = period.Term{}
			it.Span = period.Span{Start: start, End: start.Add(59 * time.Second)}
		})}, []error{pricing.ErrInvalidPeriod}},
		{"a span of 3,661 days is refused", pricing.QuoteRequest{Items: item(func(it *pricing.QuoteItem) {
			it.Term = period.Term{}
			it.Span = period.Span{Start: start, End: start.Add(3661 * 24 * time.Hour)}
		})}, []error{pricing.ErrInvalidPeriod}},
		{"a discount in USD on a VND catalog is refused", pricing.QuoteRequest{Items: []pricing.QuoteItem{good()},
			Discounts: []pricing.Discount{{Code: "USD", Amount: usd}}}, []error{pricing.ErrInvalidDiscount, money.ErrCurrencyMismatch}},
		{"a discount with the zero Amount has no currency and is refused", pricing.QuoteRequest{Items: []pricing.QuoteItem{good()},
			Discounts: []pricing.Discount{{Code: "NONE"}}}, []error{pricing.ErrInvalidDiscount, money.ErrCurrencyMismatch}},
		{"a negative discount is refused", pricing.QuoteRequest{Items: []pricing.QuoteItem{good()},
			Discounts: []pricing.Discount{{Code: "NEG", Amount: vnd(t, "-1")}}}, []error{pricing.ErrInvalidDiscount}},
		{"a discount of 0.5 VND is not in whole minor units", pricing.QuoteRequest{Items: []pricing.QuoteItem{good()},
			Discounts: []pricing.Discount{{Code: "HALF", Amount: vnd(t, "0.5")}}}, []error{pricing.ErrInvalidDiscount, money.ErrNotRounded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := c.Quote(tt.req)
			require.Error(t, err)
			assert.Empty(t, q.Lines, "nothing is returned with an error")
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
		})
	}
}

func TestQuoteItemErrorLocatesTheItem(t *testing.T) {
	c := sample(t)
	_, err := c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
		{ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: 1, Term: period.Months(1)},
		{ProductID: "vnope", Quantity: 1, Term: period.Months(1)},
	}})
	var ie *pricing.ItemError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 1, ie.Index)
	assert.Equal(t, "vnope", ie.ProductID)
	assert.EqualError(t, err, `pricing: item 1 (vnope): pricing: unknown product "vnope"`)

	_, err = c.Quote(pricing.QuoteRequest{
		Items:     []pricing.QuoteItem{{ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: 1, Term: period.Months(1)}},
		Discounts: []pricing.Discount{{Code: "A", Amount: vnd(t, "1")}, {Code: "B", Amount: vnd(t, "-5")}},
	})
	var de *pricing.DiscountError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, 1, de.Index)
	assert.Equal(t, "B", de.Code)
}

func TestQuoteCopiesTheConfiguration(t *testing.T) {
	c := sample(t)
	cfg := config2x4x40()
	q, err := c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{
		{ProductID: pricing.SampleVServer, Configuration: cfg, Quantity: 1, Term: period.Months(1)},
	}})
	require.NoError(t, err)
	cfg.Components["vcpu"] = 64
	assert.Equal(t, int64(2), q.Lines[0].Configuration.Components["vcpu"])
}

func TestQuoteLimitsAreConfigurable(t *testing.T) {
	c, err := pricing.NewCatalog(pricing.Config{Currency: "VND", MaxItemQuantity: 5, MaxBillingDays: 30,
		Products: []pricing.Product{{ID: "p", Plans: []pricing.Plan{{ID: "a", Price: dec("30")}}}}})
	require.NoError(t, err)
	it := pricing.QuoteItem{ProductID: "p", Configuration: pricing.Configuration{Plan: "a"}, Quantity: 5, Term: period.Days(30)}
	_, err = c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{it}})
	require.NoError(t, err, "5 units for 30 days are within the limits")
	it.Quantity = 6
	_, err = c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{it}})
	require.ErrorIs(t, err, pricing.ErrInvalidQuantity, "6 units are above 5")
	it.Quantity, it.Term = 1, period.Days(31)
	_, err = c.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{it}})
	require.ErrorIs(t, err, pricing.ErrInvalidPeriod, "31 days are above 30")
}

func TestDiscountRestrictedToItems(t *testing.T) {
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	vnd := func(n int64) money.Amount {
		a, err := money.FromMinor(n, "VND")
		require.NoError(t, err)
		return a
	}
	items := []pricing.QuoteItem{
		{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
		{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(60)},
		{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)},
	}
	t.Run("a vServer-only discount of 27,000 splits 18,000 + 0 + 9,000", func(t *testing.T) {
		q, err := cat.Quote(pricing.QuoteRequest{Items: items, Discounts: []pricing.Discount{{Code: "VS", Amount: vnd(27_000), Items: []int{0, 2}}}})
		require.NoError(t, err)
		assert.Equal(t, "18000 VND", q.Lines[0].Discount.String())
		assert.True(t, q.Lines[1].Discount.IsZero())
		assert.Equal(t, "9000 VND", q.Lines[2].Discount.String())
	})
	t.Run("a discount larger than its lines is capped at them: 300,000 on 180,000 + 90,000", func(t *testing.T) {
		q, err := cat.Quote(pricing.QuoteRequest{Items: items, Discounts: []pricing.Discount{{Code: "VS", Amount: vnd(300_000), Items: []int{0, 2}}}})
		require.NoError(t, err)
		assert.Equal(t, "270000 VND", q.Discount.String())
		assert.Equal(t, "70000 VND", q.Net.String(), "the vStorage line keeps its 70,000")
	})
	t.Run("an item index outside the request is rejected", func(t *testing.T) {
		for _, bad := range [][]int{{3}, {-1}, {}} {
			_, err := cat.Quote(pricing.QuoteRequest{Items: items, Discounts: []pricing.Discount{{Code: "VS", Amount: vnd(1), Items: bad}}})
			require.ErrorIs(t, err, pricing.ErrInvalidDiscount)
		}
	})
}
