package payment_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

func TestSplitPayment(t *testing.T) {
	tests := []struct {
		name                 string
		method               payment.Method
		amount, available    money.Amount
		fromCredit, fromGate money.Amount
		needsGateway         bool
	}{
		{"top up & pay 200,000 with 150,000 available is 150,000 credit + 50,000 gateway",
			payment.MethodTopUpAndPay, vnd(t, 200_000), vnd(t, 150_000), vnd(t, 150_000), vnd(t, 50_000), true},
		{"top up & pay 200,000 with 200,000 available is all credit",
			payment.MethodTopUpAndPay, vnd(t, 200_000), vnd(t, 200_000), vnd(t, 200_000), vnd(t, 0), false},
		{"top up & pay 200,000 with 900,000 available is all credit",
			payment.MethodTopUpAndPay, vnd(t, 200_000), vnd(t, 900_000), vnd(t, 200_000), vnd(t, 0), false},
		{"top up & pay 200,000 with nothing available is all gateway",
			payment.MethodTopUpAndPay, vnd(t, 200_000), vnd(t, 0), vnd(t, 0), vnd(t, 200_000), true},
		{"top up & pay 12.50 USD with 10.01 available sends 2.49 to the gateway",
			payment.MethodTopUpAndPay, amt(t, "12.50 USD"), amt(t, "10.01 USD"), amt(t, "10.01 USD"), amt(t, "2.49 USD"), true},
		{"credit 230,000 with 230,000 available is all credit",
			payment.MethodCredit, vnd(t, 230_000), vnd(t, 230_000), vnd(t, 230_000), vnd(t, 0), false},
		{"gateway 230,000 ignores 1,000,000 of credit",
			payment.MethodGateway, vnd(t, 230_000), vnd(t, 1_000_000), vnd(t, 0), vnd(t, 230_000), true},
		{"linked account 230,000 needs no available amount at all",
			payment.MethodLinkedAccount, vnd(t, 230_000), money.Amount{}, vnd(t, 0), vnd(t, 230_000), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := payment.SplitPayment(tt.method, tt.amount, tt.available)
			require.NoError(t, err)
			assert.True(t, s.FromCredit.Equal(tt.fromCredit), "from credit %s", s.FromCredit)
			assert.True(t, s.FromGateway.Equal(tt.fromGate), "from gateway %s", s.FromGateway)
			assert.Equal(t, tt.needsGateway, s.NeedsGateway())
			sum, err := s.FromCredit.Add(s.FromGateway)
			require.NoError(t, err)
			assert.True(t, sum.Equal(tt.amount), "parts add up to the amount")
		})
	}
}

func TestSplitPaymentRejects(t *testing.T) {
	tests := []struct {
		name              string
		method            payment.Method
		amount, available money.Amount
		want              error
	}{
		{"credit 230,000 with 229,999 available is insufficient", payment.MethodCredit, vnd(t, 230_000), vnd(t, 229_999), payment.ErrInsufficientCredit},
		{"an unknown method", "cash_on_delivery", vnd(t, 1), vnd(t, 1), payment.ErrInvalidArgument},
		{"a zero amount", payment.MethodGateway, vnd(t, 0), vnd(t, 0), payment.ErrInvalidAmount},
		{"a negative amount", payment.MethodCredit, vnd(t, -1), vnd(t, 10), payment.ErrInvalidAmount},
		{"an amount of 0.1 VND", payment.MethodCredit, amt(t, "0.1 VND"), vnd(t, 10), money.ErrNotRounded},
		{"an amount of 10^15 + 1 VND", payment.MethodGateway, vnd(t, payment.MaxAmountMinorUnits+1), vnd(t, 0), payment.ErrInvalidAmount},
		{"an amount of 40 digits", payment.MethodGateway, amt(t, "1000000000000000000000000000000000000000 VND"), vnd(t, 0), payment.ErrInvalidAmount},
		{"available credit in USD", payment.MethodTopUpAndPay, vnd(t, 10), amt(t, "1.00 USD"), money.ErrCurrencyMismatch},
		{"negative available credit", payment.MethodTopUpAndPay, vnd(t, 10), vnd(t, -1), payment.ErrInvalidAmount},
		{"available credit of the zero Amount for credit", payment.MethodCredit, vnd(t, 10), money.Amount{}, money.ErrCurrencyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := payment.SplitPayment(tt.method, tt.amount, tt.available)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, payment.Split{}, s)
		})
	}
	_, err := payment.SplitPayment(payment.MethodCredit, vnd(t, 230_000), vnd(t, 229_999))
	var ie *payment.InsufficientCreditError
	require.ErrorAs(t, err, &ie)
	assert.True(t, ie.Requested.Equal(vnd(t, 230_000)) && ie.Available.Equal(vnd(t, 229_999)), "%+v", ie)
}

func TestValidateAmountAcceptsTheMaximum(t *testing.T) {
	require.NoError(t, payment.ValidateAmount(vnd(t, payment.MaxAmountMinorUnits)))
	require.NoError(t, payment.ValidateAmount(amt(t, "10000000000000.00 USD")))
	require.ErrorIs(t, payment.ValidateAmount(amt(t, "10000000000000.01 USD")), payment.ErrInvalidAmount)
	require.NoError(t, payment.ValidateAmount(amt(t, "12.500 USD")), "trailing zeros are still whole cents")
}

func TestPurposeAllowsMethods(t *testing.T) {
	all := []payment.Method{payment.MethodCredit, payment.MethodTopUpAndPay, payment.MethodGateway, payment.MethodLinkedAccount}
	allowed := map[payment.PurposeKind][]payment.Method{
		payment.PurposeOrder:       all,
		payment.PurposeInvoice:     all,
		payment.PurposeTopUp:       {payment.MethodGateway, payment.MethodLinkedAccount},
		payment.PurposePaymentLink: {payment.MethodGateway},
	}
	for kind, ok := range allowed {
		for _, m := range all {
			want := false
			for _, o := range ok {
				want = want || o == m
			}
			verb := "cannot"
			if want {
				verb = "can"
			}
			t.Run(fmt.Sprintf("%s %s pay for %s", m, verb, kind), func(t *testing.T) {
				err := payment.Purpose{Kind: kind, Ref: "x-1"}.Allows(m)
				if want {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, payment.ErrMethodNotAllowed)
				var me *payment.MethodError
				require.ErrorAs(t, err, &me)
				assert.Equal(t, payment.MethodError{Method: m, Purpose: kind}, *me)
			})
		}
	}
}

func TestPurposeRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		purpose payment.Purpose
		method  payment.Method
	}{
		{"an unknown purpose", payment.Purpose{Kind: "donation", Ref: "d-1"}, payment.MethodGateway},
		{"a purpose without a reference", payment.Purpose{Kind: payment.PurposeOrder}, payment.MethodGateway},
		{"an unknown method", payment.Purpose{Kind: payment.PurposeOrder, Ref: "o-1"}, "cheque"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.purpose.Allows(tt.method), payment.ErrInvalidArgument)
		})
	}
}

func TestParseMethod(t *testing.T) {
	for _, s := range []string{"credit", "top_up_and_pay", "gateway", "linked_account"} {
		m, err := payment.ParseMethod(s)
		require.NoError(t, err)
		assert.Equal(t, s, string(m))
	}
	_, err := payment.ParseMethod("Credit")
	require.ErrorIs(t, err, payment.ErrInvalidArgument)
}

func ExampleSplitPayment() {
	price, _ := money.New("200000", "VND")
	available, _ := money.New("150000", "VND")
	s, err := payment.SplitPayment(payment.MethodTopUpAndPay, price, available)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("from credit:", s.FromCredit)
	fmt.Println("through the gateway:", s.FromGateway)
	// Output:
	// from credit: 150000 VND
	// through the gateway: 50000 VND
}
