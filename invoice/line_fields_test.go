package invoice_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
)

// TestLineFieldsRoundTripAndOldLinesStillRead: the typed fields of a line
// (resource, product, service, item, unit, discount rate) survive JSON, and
// a line stored before they existed reads back with them empty and still
// validates.
func TestLineFieldsRoundTripAndOldLinesStillRead(t *testing.T) {
	l, err := invoice.PriceLine(invoice.LineInput{Description: "vserver 2 vCPU", Period: span30(), Quantity: dec(t, "1"),
		UnitPrice: amt(t, "62973", "VND"), Discount: amt(t, "6297", "VND"), TaxRate: dec(t, "0.1"),
		ResourceID: "res_1", ResourceName: "web-1", Product: "vserver", Service: "vServer", Item: "2 vCPU / 4 GB", Unit: "30 days",
		DiscountRate: dec(t, "0.1")}, invoice.TaxExclusive)
	require.NoError(t, err)
	// 62,973 − 6,297 = 56,676 pre-tax; 10% tax 5,668; total 62,344.
	require.Equal(t, "56676", l.Net.Number().String())
	require.Equal(t, "5668", l.Tax.Number().String())
	require.Equal(t, "62344", l.Total.Number().String())
	inv := draft(t, "VND", invoice.TaxExclusive, l)
	b, err := json.Marshal(inv)
	require.NoError(t, err)
	for _, want := range []string{`"resource_id":"res_1"`, `"resource_name":"web-1"`, `"product":"vserver"`, `"service":"vServer"`,
		`"item":"2 vCPU / 4 GB"`, `"unit":"30 days"`, `"discount_rate":"0.1"`} {
		require.Contains(t, string(b), want)
	}
	var back invoice.Invoice
	require.NoError(t, json.Unmarshal(b, &back))
	got := back.Lines[0]
	require.Equal(t, [6]string{"res_1", "web-1", "vserver", "vServer", "2 vCPU / 4 GB", "30 days"},
		[6]string{got.ResourceID, got.ResourceName, got.Product, got.Service, got.Item, got.Unit})
	require.True(t, got.DiscountRate.Equal(decimal.RequireFromString("0.1")))

	// An old line: none of the new keys. It decodes, validates, and
	// encodes without them (omitted when empty).
	old := vserverDraft(t)
	ob, err := json.Marshal(old)
	require.NoError(t, err)
	for _, key := range []string{`"resource_name":`, `"product":`, `"service":`, `"item":`, `"unit":`, `"discount_rate":`} {
		require.False(t, strings.Contains(string(ob[strings.Index(string(ob), `"lines"`):]), key), "an old line has no %s", key)
	}
	var oldBack invoice.Invoice
	require.NoError(t, json.Unmarshal(ob, &oldBack))
	_, err = invoice.New(invoice.Draft{ID: "inv_2", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: oldBack.Lines, CreatedAt: t0})
	require.NoError(t, err)
}
