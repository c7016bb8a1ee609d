package stripe

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

func mustAmount(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

func TestAmountsGoToStripeInItsUnitExactly(t *testing.T) {
	for _, tc := range []struct {
		amount   string
		minor    int64
		currency string
	}{
		{"10.50 USD", 1050, "usd"},
		{"10.5 USD", 1050, "usd"},
		{"0.01 USD", 1, "usd"},
		{"500 JPY", 500, "jpy"},
		{"150000 VND", 150000, "vnd"},
		{"230000 VND", 230000, "vnd"},
		{"5 ISK", 500, "isk"},
		{"5.120 KWD", 5120, "kwd"},
		{"12.34 EUR", 1234, "eur"},
		{"1000 KRW", 1000, "krw"},
		{"100 MGA", 100, "mga"},
	} {
		t.Run(tc.amount+" is "+tc.currency+" "+itoa(tc.minor), func(t *testing.T) {
			n, cur, err := toStripe("Amount", mustAmount(t, tc.amount))
			require.NoError(t, err)
			require.Equal(t, tc.minor, n)
			require.Equal(t, tc.currency, cur)
			back, ok := fromStripe(n, cur)
			require.True(t, ok)
			require.True(t, back.Equal(mustAmount(t, tc.amount)), "back %s", back)
		})
	}
}

func TestAmountsStripeCannotTakeAreRefusedNotRounded(t *testing.T) {
	for _, tc := range []struct{ amount, why string }{
		{"1.005 USD", "finer than a cent"},
		{"5.125 KWD", "a three-decimal amount must end in 0 at Stripe"},
		{"100.50 MGA", "Stripe takes MGA in whole units"},
		{"0 USD", "zero"},
		{"-10.50 USD", "negative"},
		{"1.5 JPY", "finer than a yen"},
	} {
		t.Run(tc.amount+" ("+tc.why+")", func(t *testing.T) {
			_, _, err := toStripe("Amount", mustAmount(t, tc.amount))
			var re *gateway.RequestError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "Amount", re.Field)
			require.ErrorIs(t, err, gateway.ErrInvalidRequest)
		})
	}
	_, _, err := toStripe("Amount", money.Amount{})
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
}

func TestAmountsFromStripe(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		cur  string
		want string
	}{
		{1050, "usd", "10.50 USD"},
		{500, "jpy", "500 JPY"},
		{150000, "vnd", "150000 VND"},
		{500, "isk", "5 ISK"},
		{5120, "kwd", "5.120 KWD"},
	} {
		got, ok := fromStripe(tc.n, tc.cur)
		require.True(t, ok, tc.want)
		require.True(t, got.Equal(mustAmount(t, tc.want)), "%d %s is %s, want %s", tc.n, tc.cur, got, tc.want)
	}
	for _, tc := range []struct {
		n   int64
		cur string
	}{{150, "isk"}, {1, "xxx"}, {-1, "usd"}, {1, ""}} {
		_, ok := fromStripe(tc.n, tc.cur)
		require.False(t, ok, "%d %q", tc.n, tc.cur)
	}
}

func TestAmountsRoundTripForAnyMinorUnits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom([]string{"usd", "jpy", "vnd", "eur", "krw", "gbp"}).Draw(t, "currency")
		n := rapid.Int64Range(1, 1<<53).Draw(t, "n")
		a, ok := fromStripe(n, cur)
		if !ok {
			t.Fatalf("%d %s did not convert", n, cur)
		}
		back, c, err := toStripe("Amount", a)
		if err != nil || back != n || c != cur {
			t.Fatalf("%d %s -> %s -> %d %s (%v)", n, cur, a, back, c, err)
		}
	})
}

func TestIdempotencyKeysAreKindScopedAndBounded(t *testing.T) {
	require.Equal(t, "cloudbill-payment-pay_1", idempotencyKey("payment", "pay_1"))
	require.NotEqual(t, idempotencyKey("payment", "x"), idempotencyKey("refund", "x"))
	k := idempotencyKey("payment", string(bytesOf('a', 255)))
	require.LessOrEqual(t, len(k), 255)
	require.Equal(t, k, idempotencyKey("payment", string(bytesOf('a', 255))))
	require.NotEqual(t, k, idempotencyKey("payment", string(bytesOf('b', 255))))
}

func TestTokensBindCustomerMethodAndAccount(t *testing.T) {
	tok := newToken("cus_A1", "pm_B2", "acct_1")
	cus, pm, err := parseToken(tok, "acct_1")
	require.NoError(t, err)
	require.Equal(t, "cus_A1", cus)
	require.Equal(t, "pm_B2", pm)
	_, _, err = parseToken(tok, "acct_2")
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)
	require.NotContains(t, err.Error(), "cus_A1")
	for _, raw := range []string{"", "cus_1:pm_1", "stripe1:cus_1:pm_1", "stripe1:pm_1:cus_1:" + accountTag("a"), "stripe1:cus_1:pm_1:" + accountTag("a") + ":x", "stripe1:cus_:pm_1:" + accountTag("a")} {
		_, _, err := parseToken(gateway.NewToken(raw), "a")
		require.True(t, errors.Is(err, gateway.ErrInvalidRequest), "%q", raw)
	}
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
