package pricing_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/pricing"
)

// legacyQuote is a quote as builds before the snake_case keys wrote it
// (Go field names, numeric tax mode and part kind), cut to one line.
const legacyQuote = `{"Currency":"VND","TaxPolicy":{"Rate":"0.1","Mode":1},"Lines":[{"Item":0,"ProductID":"vserver",` +
	`"Configuration":{"plan":"standard-2"},"Quantity":1,"Term":{"Months":12,"Days":3},"Span":{"Start":"0001-01-01T00:00:00Z",` +
	`"End":"0001-01-01T00:00:00Z"},"Minutes":522720,"Price":{"ProductID":"vserver","Amount":"175000 VND","Parts":[{"Kind":1,` +
	`"ID":"standard-2","Name":"Standard 2","Quantity":1,"Amount":"175000 VND","Breakdown":["plan Standard 2 175,000"]}]},` +
	`"Base":"2117500 VND","TermDiscountRate":"0.15","TermDiscount":"317625 VND","Subtotal":"1799875 VND","Discounts":` +
	`[{"Code":"SPRING","Label":"Spring sale","Amount":"50000 VND"}],"Discount":"50000 VND","Net":"1590796 VND",` +
	`"Tax":"159079 VND","Total":"1749875 VND","Breakdown":["x"]}],"Discounts":[{"Code":"SPRING","Label":"Spring sale",` +
	`"Requested":"50000 VND","Applied":"50000 VND"}],"Subtotal":"1799875 VND","Discount":"50000 VND","Net":"1590796 VND",` +
	`"Tax":"159079 VND","Total":"1749875 VND"}`

// TestQuoteReadsTheOldShape: a stored quote of the old shape decodes to
// the same value as its snake_case form, which is what it encodes to now.
func TestQuoteReadsTheOldShape(t *testing.T) {
	var old pricing.Quote
	require.NoError(t, json.Unmarshal([]byte(legacyQuote), &old))
	assert.Equal(t, pricing.TaxInclusive, old.TaxPolicy.Mode)
	assert.Equal(t, "0.1", old.TaxPolicy.Rate.String())
	require.Len(t, old.Lines, 1)
	l := old.Lines[0]
	assert.Equal(t, "vserver", l.ProductID)
	assert.Equal(t, "vserver", l.Price.ProductID)
	assert.Equal(t, "0.15", l.TermDiscountRate.String())
	assert.Equal(t, "317625 VND", l.TermDiscount.String())
	assert.Equal(t, 12, l.Term.Months)
	assert.Equal(t, 3, l.Term.Days)
	assert.Equal(t, pricing.PartPlan, l.Price.Parts[0].Kind)

	snake, err := json.Marshal(old)
	require.NoError(t, err)
	assert.Contains(t, string(snake), `"tax_policy":{"rate":"0.1","mode":"inclusive"}`)
	assert.Contains(t, string(snake), `"term":{"months":12,"days":3}`)
	assert.NotContains(t, string(snake), `"span"`, "a zero span is left out")
	var again pricing.Quote
	require.NoError(t, json.Unmarshal(snake, &again))
	back, err := json.Marshal(again)
	require.NoError(t, err)
	assert.Equal(t, string(snake), string(back))
}

// TestEnumerationsRefuseUnknownNames: an unknown tax mode or part kind,
// as text or as a number, is a *NameError; null changes nothing.
func TestEnumerationsRefuseUnknownNames(t *testing.T) {
	for _, in := range []string{`"gross"`, `7`, `true`} {
		var p pricing.TaxPolicy
		err := json.Unmarshal([]byte(`{"mode":`+in+`}`), &p)
		var ne *pricing.NameError
		assert.True(t, errors.As(err, &ne), "%s: %v", in, err)
		var part pricing.PricePart
		err = json.Unmarshal([]byte(`{"kind":`+in+`}`), &part)
		assert.True(t, errors.As(err, &ne), "%s: %v", in, err)
	}
	p := pricing.TaxPolicy{Mode: pricing.TaxInclusive}
	require.NoError(t, json.Unmarshal([]byte(`{"mode":null}`), &p))
	assert.Equal(t, pricing.TaxInclusive, p.Mode)
	_, err := json.Marshal(pricing.TaxPolicy{Mode: pricing.TaxMode(9)})
	assert.Error(t, err, "an undeclared mode does not encode")
}
