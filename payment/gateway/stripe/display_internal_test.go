package stripe

import (
	"testing"

	"github.com/stretchr/testify/require"
	stripego "github.com/stripe/stripe-go/v82"
)

func TestDisplayMasksTheSavedMethod(t *testing.T) {
	for _, tc := range []struct {
		pm   *stripego.PaymentMethod
		want string
	}{
		{&stripego.PaymentMethod{Type: "card", Card: &stripego.PaymentMethodCard{Brand: "visa", Last4: "4242"}}, "Visa •••• 4242"},
		{&stripego.PaymentMethod{Type: "card", Card: &stripego.PaymentMethodCard{Brand: "mastercard", Last4: "4444"}}, "Mastercard •••• 4444"},
		{&stripego.PaymentMethod{Type: "card", Card: &stripego.PaymentMethodCard{Brand: "amex", Last4: "8431"}}, "American Express •••• 8431"},
		{&stripego.PaymentMethod{Type: "card", Card: &stripego.PaymentMethodCard{Brand: "unknown"}}, "Card"},
		{&stripego.PaymentMethod{Type: "sepa_debit", SEPADebit: &stripego.PaymentMethodSEPADebit{Last4: "3000"}}, "SEPA Direct Debit •••• 3000"},
		{&stripego.PaymentMethod{Type: "link"}, "link"},
		{nil, "Card"},
	} {
		require.Equal(t, tc.want, display(tc.pm))
	}
}
