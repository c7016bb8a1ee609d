package einvoice_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// TestLinesDeclareTheirTreatment: three untaxed lines of 1,000,000 are
// declared by their treatment — KCT for an exempt customer, 0% for an
// export, KKKNT — whatever the caller's fallback; a line that does not say
// takes the fallback, and a taxed line its rate.
func TestLinesDeclareTheirTreatment(t *testing.T) {
	at := time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC)
	price, err := money.New("1000000", "VND")
	require.NoError(t, err)
	var lines []invoice.Line
	for _, in := range []struct {
		rate string
		tt   invoice.TaxTreatment
	}{{"0", invoice.TaxExempt}, {"0", invoice.TaxZeroRated}, {"0", invoice.TaxNotDeclared}, {"0", ""}, {"0.08", invoice.TaxStandard}} {
		l, err := invoice.PriceLine(invoice.LineInput{Description: "server", Quantity: decimal.NewFromInt(1), UnitPrice: price,
			TaxRate: decimal.RequireFromString(in.rate), TaxTreatment: in.tt}, invoice.TaxExclusive)
		require.NoError(t, err)
		lines = append(lines, l)
	}
	draft, err := invoice.New(invoice.Draft{ID: "inv_1", AccountID: "acme", ResourceID: "res_1", Currency: "VND", TaxMode: invoice.TaxExclusive, Lines: lines, CreatedAt: at})
	require.NoError(t, err)
	series, err := invoice.SeriesFor(invoice.KindInvoice, at, time.UTC)
	require.NoError(t, err)
	issued, err := invoice.IssuePaid(draft, series, 1, at)
	require.NoError(t, err)
	for _, fallback := range []einvoice.VATRate{einvoice.VAT0, einvoice.VATNotTaxable} {
		out, err := einvoice.LinesOf(issued, fallback)
		require.NoError(t, err)
		got := make([]einvoice.VATRate, len(out))
		for i, l := range out {
			got[i] = l.VAT
		}
		assert.Equal(t, []einvoice.VATRate{einvoice.VATNotTaxable, einvoice.VAT0, einvoice.VATNotDeclared, fallback, einvoice.VAT8}, got)
	}
}
