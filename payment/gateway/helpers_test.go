package gateway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// t0 is the fixed "now" of these tests; no test reads the clock.
var t0 = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

func signed(value string) http.Header {
	h := http.Header{}
	h.Set(gateway.SignatureHeader, value)
	return h
}

func newVerifier(t testing.TB, tol time.Duration, secrets ...string) *gateway.Verifier {
	t.Helper()
	bs := make([][]byte, len(secrets))
	for i, s := range secrets {
		bs[i] = []byte(s)
	}
	v, err := gateway.NewVerifier(tol, bs...)
	require.NoError(t, err)
	return v
}
