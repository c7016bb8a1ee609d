package vnpay_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
)

func TestTxnRefExamples(t *testing.T) {
	for id, ref := range map[string]string{
		"pay_3k7qa2m4x5b6c7d8":   "payZ5F3k7qa2m4x5b6c7d8",
		"12345":                  "12345",
		"Zed":                    "Z5Aed",
		"a-b.c":                  "aZ2DbZ2Ec",
		"đ":                      "ZC4Z91",
		strings.Repeat("x", 100): strings.Repeat("x", 100),
	} {
		got, err := vnpay.TxnRef(id)
		require.NoError(t, err, id)
		assert.Equal(t, ref, got, id)
		back, ok := vnpay.PaymentID(ref)
		assert.True(t, ok, ref)
		assert.Equal(t, id, back)
	}
}

func TestTxnRefPacksLongIDs(t *testing.T) {
	// 30 "a_" are 120 characters readable ("aZ5F" each); packed, they fit.
	id := strings.Repeat("a_", 30)
	ref, err := vnpay.TxnRef(id)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ref, "ZZ"))
	assert.LessOrEqual(t, len(ref), vnpay.MaxTxnRefLen)
	back, ok := vnpay.PaymentID(ref)
	require.True(t, ok)
	assert.Equal(t, id, back)

	// Any 72 bytes fit packed; 73 bytes of punctuation or 101 letters
	// fit neither form.
	_, err = vnpay.TxnRef(strings.Repeat("~", 72))
	require.NoError(t, err)
	for _, long := range []string{strings.Repeat("~", 73), strings.Repeat("x", 101)} {
		_, err = vnpay.TxnRef(long)
		require.ErrorIs(t, err, gateway.ErrInvalidRequest)
	}
}

func TestPaymentIDRefusesWhatTxnRefNeverMakes(t *testing.T) {
	for _, ref := range []string{
		"", "pay_1", "payZ5f1", "payZ5", "payZ", "ZZ", "ZZ0", "Z41", "Z00abc", strings.Repeat("a", 101),
		"ZZ" + strings.Repeat("z", 98),
	} {
		_, ok := vnpay.PaymentID(ref)
		assert.False(t, ok, ref)
	}
}

func FuzzTxnRef(f *testing.F) {
	for _, s := range []string{"pay_1", "Zed", "", "đơn", strings.Repeat("~", 80), "ZZ12", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ref, err := vnpay.TxnRef(s); err == nil {
			require.LessOrEqual(t, len(ref), vnpay.MaxTxnRefLen)
			for _, r := range ref {
				require.True(t, r < 128 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'), ref)
			}
			back, ok := vnpay.PaymentID(ref)
			require.True(t, ok, ref)
			require.Equal(t, s, back)
		}
		// Read as a reference, s either is refused or is the one
		// encoding of its id.
		if id, ok := vnpay.PaymentID(s); ok {
			again, err := vnpay.TxnRef(id)
			require.NoError(t, err)
			require.Equal(t, s, again)
		}
	})
}
