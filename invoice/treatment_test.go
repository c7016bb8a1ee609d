package invoice_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
)

// exemptLine prices 1,000,000 for an exempt customer: no tax, declared
// KCT.
func exemptLine(t *testing.T, rate string, tt invoice.TaxTreatment) (invoice.Line, error) {
	t.Helper()
	return invoice.PriceLine(invoice.LineInput{Description: "server", Period: span30(), Quantity: dec(t, "1"),
		UnitPrice: amt(t, "1000000", "VND"), TaxRate: dec(t, rate), TaxTreatment: tt}, invoice.TaxExclusive)
}

func TestLineTaxTreatment(t *testing.T) {
	l, err := exemptLine(t, "0", invoice.TaxExempt)
	require.NoError(t, err)
	assert.Equal(t, []string{"1000000", "0", "1000000"}, []string{l.Net.Number().String(), l.Tax.Number().String(), l.Total.Number().String()})
	assert.Equal(t, invoice.TaxExempt, l.TaxTreatment)

	t.Run("an untaxed treatment with a rate is refused", func(t *testing.T) {
		for _, tt := range []invoice.TaxTreatment{invoice.TaxExempt, invoice.TaxZeroRated, invoice.TaxNotDeclared} {
			_, err := exemptLine(t, "0.1", tt)
			var le *invoice.LineError
			require.True(t, errors.As(err, &le), "%s: %v", tt, err)
			assert.Equal(t, "TaxRate", le.Field)
		}
	})
	t.Run("an undeclared treatment is refused", func(t *testing.T) {
		_, err := exemptLine(t, "0", "KCT")
		require.ErrorIs(t, err, invoice.ErrInvalidLine)
	})
	t.Run("a standard line taxes at its rate", func(t *testing.T) {
		l, err := exemptLine(t, "0.1", invoice.TaxStandard)
		require.NoError(t, err)
		assert.Equal(t, "100000", l.Tax.Number().String())
	})
	t.Run("a credit note keeps the invoice line's treatment", func(t *testing.T) {
		inv := paidInvoice(t, draft(t, "VND", invoice.TaxExclusive, l))
		note, err := invoice.NewCreditNote(inv, amt(t, "400000", "VND"), invoice.CreditRequest{ID: "cn_1", Reason: "refund", At: inv.IssuedAt})
		require.NoError(t, err)
		require.Len(t, note.Lines, 1)
		assert.Equal(t, invoice.TaxExempt, note.Lines[0].TaxTreatment)
		assert.True(t, note.Lines[0].Tax.IsZero())
	})
	t.Run("labels", func(t *testing.T) {
		assert.Equal(t, []string{"KCT", "0%", "KKKNT", "", ""}, []string{invoice.TaxExempt.Label(), invoice.TaxZeroRated.Label(),
			invoice.TaxNotDeclared.Label(), invoice.TaxStandard.Label(), invoice.TaxTreatment("").Label()})
		assert.Equal(t, invoice.TaxStandard, invoice.TaxTreatment("").OrStandard())
		assert.False(t, invoice.TaxTreatment("reverse_charge").Valid())
	})
}
