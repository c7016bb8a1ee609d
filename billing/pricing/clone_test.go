package pricing_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
)

// TestQuoteLineCloneIsEqualAndIndependent checks that a clone is the line,
// nil and empty lists kept apart, and that changing or growing any list of
// the clone changes neither the line nor the clone's other lists.
func TestQuoteLineCloneIsEqualAndIndependent(t *testing.T) {
	line := pricing.QuoteLine{ProductID: "vserver", Configuration: pricing.Configuration{Plan: "s2", Components: map[string]int64{"disk_gb": 40}},
		Price: pricing.Price{ProductID: "vserver", Parts: []pricing.PricePart{
			{ID: "s2", Breakdown: []string{"a", "b"}, Explain: []invoice.Detail{{Kind: invoice.DetailPlan, Amount: decimal.NewFromInt(1)}}},
			{ID: "disk", Breakdown: []string{}, Explain: nil},
			{ID: "ip", Breakdown: []string{"c"}, Explain: []invoice.Detail{{Kind: invoice.DetailUnits, Amount: decimal.NewFromInt(2)}}},
		}},
		Discounts: []pricing.DiscountShare{{Code: "SPRING"}},
		Breakdown: []string{"d", "e"}, Explain: []invoice.Detail{{Kind: invoice.DetailTax, Amount: decimal.NewFromInt(3)}}}
	opts := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
	c := line.Clone()
	require.Empty(t, cmp.Diff(line, c, opts))
	assert.NotNil(t, c.Price.Parts[1].Breakdown, "an empty list stays empty, not nil")
	assert.Nil(t, c.Price.Parts[1].Explain, "a nil list stays nil")

	want := line.Clone()
	c.Price.Parts[0].Breakdown = append(c.Price.Parts[0].Breakdown, "grown")
	c.Price.Parts[0].Explain = append(c.Price.Parts[0].Explain, invoice.Detail{Kind: invoice.DetailCoupon})
	c.Price.Parts[1].Breakdown = append(c.Price.Parts[1].Breakdown, "grown")
	c.Price.Parts[2].Breakdown[0] = "changed"
	c.Breakdown[0] = "changed"
	c.Explain[0].Name = "changed"
	c.Configuration.Components["disk_gb"] = 1
	c.Discounts[0].Code = "changed"
	assert.Empty(t, cmp.Diff(want, line, opts), "the line changed with its clone")
	assert.Equal(t, []string{"c"}[0], line.Price.Parts[2].Breakdown[0])
	assert.Equal(t, []string{"changed"}, c.Price.Parts[2].Breakdown, "growing one list wrote into the next")
	assert.Equal(t, []string{"changed", "e"}, c.Breakdown)
	assert.Equal(t, invoice.DetailUnits, c.Price.Parts[2].Explain[0].Kind)

	p := line.Price.Clone()
	require.Empty(t, cmp.Diff(line.Price, p, opts))
	p.Parts[0].Breakdown = append(p.Parts[0].Breakdown, "grown")
	assert.Equal(t, []string{"c"}, p.Parts[2].Breakdown)
	assert.Equal(t, []string{"a", "b"}, line.Price.Parts[0].Breakdown)
}
