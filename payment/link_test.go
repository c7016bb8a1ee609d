package payment_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment"
)

func TestNewLinkTokenEncodesURLSafe(t *testing.T) {
	tests := []struct {
		name   string
		random []byte
		want   string
	}{
		{"16 zero bytes are 22 A's", make([]byte, 16), strings.Repeat("A", 22)},
		{"bytes 0xfb 0xff use - and _ instead of + and /", append(bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 5), 0xff), "-_-_-_-_-_-_-_-_-_-__w"},
		{"32 bytes are 43 characters", bytes.Repeat([]byte{1}, 32), "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := payment.NewLinkToken(tt.random)
			require.NoError(t, err)
			assert.Equal(t, tt.want, tok.String())
			back, err := payment.ParseLinkToken(tok.String())
			require.NoError(t, err)
			assert.Equal(t, tok, back)
		})
	}
}

func TestNewLinkTokenRejectsTooFewOrTooManyBytes(t *testing.T) {
	for _, n := range []int{0, 15, 65} {
		_, err := payment.NewLinkToken(make([]byte, n))
		require.ErrorIs(t, err, payment.ErrInvalidToken, "%d bytes", n)
	}
}

func TestReadLinkToken(t *testing.T) {
	tok, err := payment.ReadLinkToken(bytes.NewReader(bytes.Repeat([]byte{1}, 40)))
	require.NoError(t, err)
	assert.Equal(t, "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE", tok.String(), "reads exactly 32 bytes")

	_, err = payment.ReadLinkToken(bytes.NewReader(make([]byte, 31)))
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a short source is an error, never a short token")
}

func TestParseLinkTokenRejects(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"empty", ""},
		{"21 characters (15 bytes)", strings.Repeat("A", 21)},
		{"87 characters", strings.Repeat("A", 87)},
		{"25 characters, a length no encoding produces", strings.Repeat("A", 25)},
		{"standard base64 '+'", "+" + strings.Repeat("A", 21)},
		{"padding", strings.Repeat("A", 22) + "=="},
		{"a newline inside", strings.Repeat("A", 11) + "\n" + strings.Repeat("A", 11)},
		{"non-canonical trailing bits", strings.Repeat("A", 21) + "B"},
		{"a space", strings.Repeat("A", 21) + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payment.ParseLinkToken(tt.input)
			require.ErrorIs(t, err, payment.ErrInvalidToken)
		})
	}
}

func FuzzParseLinkToken(f *testing.F) {
	for _, s := range []string{strings.Repeat("A", 22), "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE", strings.Repeat("A", 21) + "B", "", "-_-_-_-_-_-_-_-_-_-__w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := payment.ParseLinkToken(s)
		if err != nil {
			if !errors.Is(err, payment.ErrInvalidToken) {
				t.Fatalf("error %v does not match ErrInvalidToken", err)
			}
			if s != "" && len(s) >= 4 && strings.Contains(err.Error(), s) {
				t.Fatalf("error %q echoes the input", err)
			}
			return
		}
		if tok.String() != s {
			t.Fatalf("parsed %q as %q", s, tok)
		}
		for _, c := range s {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				t.Fatalf("accepted %q with the character %q", s, c)
			}
		}
	})
}

func newLink(t *testing.T, policy payment.LinkPolicy) payment.PaymentLink {
	t.Helper()
	tok, err := payment.NewLinkToken(make([]byte, 32))
	require.NoError(t, err)
	l, err := payment.NewPaymentLink(policy, "link-1", tok, payment.Purpose{Kind: payment.PurposeOrder, Ref: "ord-1"}, vnd(t, 230_000), day0)
	require.NoError(t, err)
	return l
}

func TestPaymentLinkValidity(t *testing.T) {
	tests := []struct {
		name   string
		policy payment.LinkPolicy
		at     time.Time
		usable bool
		want   error
	}{
		{"by default usable 1 minute before 3 days", payment.LinkPolicy{}, days(3).Add(-time.Minute), true, nil},
		{"by default expired at exactly 3 days", payment.LinkPolicy{}, days(3), false, payment.ErrLinkExpired},
		{"by default expired after 4 days", payment.LinkPolicy{}, days(4), false, payment.ErrLinkExpired},
		{"a 7-day policy is usable on day 6", payment.LinkPolicy{Validity: 7 * 24 * time.Hour}, days(6), true, nil},
		{"a 1-hour policy is expired after 61 minutes", payment.LinkPolicy{Validity: time.Hour}, day0.Add(61 * time.Minute), false, payment.ErrLinkExpired},
		{"usable at the instant it is created", payment.LinkPolicy{}, day0, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLink(t, tt.policy)
			assert.Equal(t, tt.usable, l.Usable(tt.at))
			err := l.Check(tt.at)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
	assert.Equal(t, days(3), newLink(t, payment.LinkPolicy{}).ExpiresAt, "default validity is 3 days")
	assert.False(t, payment.PaymentLink{}.Usable(day0), "the zero link is never usable")
}

func TestPaymentLinkIsUsableOnce(t *testing.T) {
	l := newLink(t, payment.LinkPolicy{})
	paid, err := l.MarkPaid("pay-9", days(1))
	require.NoError(t, err)
	assert.True(t, paid.Paid())
	assert.Equal(t, "pay-9", paid.PaymentID)
	assert.Equal(t, days(1), paid.PaidAt)
	assert.False(t, paid.Usable(days(1)), "a paid link is not usable even before expiry")
	require.ErrorIs(t, paid.Check(days(1)), payment.ErrLinkPaid)
	require.ErrorIs(t, paid.Check(days(9)), payment.ErrLinkPaid, "paid wins over expired")

	again, err := paid.MarkPaid("pay-10", days(2))
	require.ErrorIs(t, err, payment.ErrLinkPaid)
	assert.Equal(t, "pay-9", again.PaymentID, "a second payment changes nothing")

	_, err = l.MarkPaid("pay-9", days(3))
	require.ErrorIs(t, err, payment.ErrLinkExpired)
	_, err = l.MarkPaid("", days(1))
	require.ErrorIs(t, err, payment.ErrInvalidArgument)
	assert.False(t, l.Paid(), "MarkPaid returns a new value and leaves l unpaid")
}

func TestNewPaymentLinkRejects(t *testing.T) {
	tok, err := payment.NewLinkToken(make([]byte, 32))
	require.NoError(t, err)
	order := payment.Purpose{Kind: payment.PurposeOrder, Ref: "ord-1"}
	tests := []struct {
		name    string
		policy  payment.LinkPolicy
		id      string
		token   payment.LinkToken
		purpose payment.Purpose
		amount  int64
		at      time.Time
		want    error
	}{
		{"a negative validity", payment.LinkPolicy{Validity: -time.Hour}, "l", tok, order, 1, day0, payment.ErrInvalidArgument},
		{"a validity of 367 days", payment.LinkPolicy{Validity: 367 * 24 * time.Hour}, "l", tok, order, 1, day0, payment.ErrInvalidArgument},
		{"no ID", payment.LinkPolicy{}, "", tok, order, 1, day0, payment.ErrInvalidArgument},
		{"a malformed token", payment.LinkPolicy{}, "l", "not a token", order, 1, day0, payment.ErrInvalidToken},
		{"a top-up purpose", payment.LinkPolicy{}, "l", tok, payment.Purpose{Kind: payment.PurposeTopUp, Ref: "t"}, 1, day0, payment.ErrInvalidArgument},
		{"a purpose without reference", payment.LinkPolicy{}, "l", tok, payment.Purpose{Kind: payment.PurposeInvoice}, 1, day0, payment.ErrInvalidArgument},
		{"a zero amount", payment.LinkPolicy{}, "l", tok, order, 0, day0, payment.ErrInvalidAmount},
		{"the zero time", payment.LinkPolicy{}, "l", tok, order, 1, time.Time{}, payment.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payment.NewPaymentLink(tt.policy, tt.id, tt.token, tt.purpose, vnd(t, tt.amount), tt.at)
			require.ErrorIs(t, err, tt.want)
		})
	}
}
