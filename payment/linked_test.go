package payment_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment"
)

func TestMaskToken(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a card token shows its last 4", "tok_visa_4242424242424242", "•••• 4242"},
		{"8 characters show the last 4", "12345678", "•••• 5678"},
		{"7 characters show only the mask", "1234567", "••••"},
		{"4 characters show only the mask", "4242", "••••"},
		{"empty shows only the mask", "", "••••"},
		{"a phone number shows its last 4", "0901234567", "•••• 4567"},
		{"multi-byte characters count as one each", "ví-momo-ĐàNẵng", "•••• Nẵng"},
		{"a control character in the tail shows only the mask", "abcdefg\x00", "••••"},
		{"a space in the tail shows only the mask", "abcdefg 1", "••••"},
		{"invalid UTF-8 shows only the mask", "abcdefgh\xff", "••••"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, payment.MaskToken(tt.in))
		})
	}
}

func FuzzMaskToken(f *testing.F) {
	for _, s := range []string{"tok_visa_4242424242424242", "1234567", "", "ví-momo-ĐàNẵng", "abcdefgh\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := payment.MaskToken(s)
		if m == "••••" {
			return
		}
		tail, ok := strings.CutPrefix(m, "•••• ")
		if !ok {
			t.Fatalf("mask %q of %q does not start with the mask", m, s)
		}
		if utf8.RuneCountInString(tail) != 4 || !strings.HasSuffix(s, tail) {
			t.Fatalf("mask %q of %q shows more or other than the last 4 characters", m, s)
		}
		if utf8.RuneCountInString(s) < 8 {
			t.Fatalf("mask %q shows part of the short value %q", m, s)
		}
	})
}

func linked(id string, def bool, day int) payment.LinkedAccount {
	return payment.LinkedAccount{ID: id, Gateway: "momo", Display: "MoMo •••• " + id, IsDefault: def, CreatedAt: days(day)}
}

func defaults(list []payment.LinkedAccount) []string {
	var out []string
	for _, a := range list {
		if a.IsDefault {
			out = append(out, a.ID)
		}
	}
	return out
}

func TestLinkedAccountsRules(t *testing.T) {
	t.Run("the first account linked becomes the default", func(t *testing.T) {
		list, err := payment.Link(nil, linked("L1", false, 0))
		require.NoError(t, err)
		assert.Equal(t, []string{"L1"}, defaults(list))
	})
	t.Run("a second account does not take the default unless asked", func(t *testing.T) {
		list, err := payment.Link([]payment.LinkedAccount{linked("L1", true, 0)}, linked("L2", false, 1))
		require.NoError(t, err)
		assert.Equal(t, []string{"L1"}, defaults(list))
		assert.Len(t, list, 2)
	})
	t.Run("a second account asked to be default takes the mark", func(t *testing.T) {
		in := []payment.LinkedAccount{linked("L1", true, 0)}
		list, err := payment.Link(in, linked("L2", true, 1))
		require.NoError(t, err)
		assert.Equal(t, []string{"L2"}, defaults(list))
		assert.True(t, in[0].IsDefault, "the input list is not modified")
	})
	t.Run("set default moves the mark from L1 to L3", func(t *testing.T) {
		in := []payment.LinkedAccount{linked("L1", true, 0), linked("L2", false, 1), linked("L3", false, 2)}
		list, err := payment.SetDefault(in, "L3")
		require.NoError(t, err)
		assert.Equal(t, []string{"L3"}, defaults(list))
		assert.Equal(t, []string{"L1"}, defaults(in))
	})
	t.Run("unlinking the default leaves no default", func(t *testing.T) {
		list, err := payment.Unlink([]payment.LinkedAccount{linked("L1", true, 0), linked("L2", false, 1)}, "L1")
		require.NoError(t, err)
		assert.Len(t, list, 1)
		assert.Empty(t, defaults(list))
		_, ok := payment.DefaultLinkedAccount(list)
		assert.False(t, ok)
	})
	t.Run("clearing the default L1 leaves both linked and none default", func(t *testing.T) {
		in := []payment.LinkedAccount{linked("L1", true, 0), linked("L2", false, 1)}
		list, err := payment.ClearDefault(in, "L1")
		require.NoError(t, err)
		assert.Len(t, list, 2)
		assert.Empty(t, defaults(list))
		assert.Equal(t, []string{"L1"}, defaults(in), "the input list is not modified")
		again, err := payment.ClearDefault(list, "L2")
		require.NoError(t, err, "clearing one that is not the default changes nothing")
		assert.Equal(t, list, again)
	})
	t.Run("unlinking another account keeps the default", func(t *testing.T) {
		list, err := payment.Unlink([]payment.LinkedAccount{linked("L1", true, 0), linked("L2", false, 1)}, "L2")
		require.NoError(t, err)
		d, ok := payment.DefaultLinkedAccount(list)
		require.True(t, ok)
		assert.Equal(t, "L1", d.ID)
	})
}

func TestLinkedAccountsRejectBadInput(t *testing.T) {
	two := []payment.LinkedAccount{linked("L1", true, 0), linked("L2", false, 1)}
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"linking an ID twice", func() error { _, err := payment.Link(two, linked("L2", false, 3)); return err }, payment.ErrDuplicateLinkedAccount},
		{"setting an unknown default", func() error { _, err := payment.SetDefault(two, "L9"); return err }, payment.ErrLinkedAccountNotFound},
		{"unlinking an unknown account", func() error { _, err := payment.Unlink(two, "L9"); return err }, payment.ErrLinkedAccountNotFound},
		{"clearing an unknown default", func() error { _, err := payment.ClearDefault(two, "L9"); return err }, payment.ErrLinkedAccountNotFound},
		{"a list with two defaults", func() error {
			_, err := payment.SetDefault([]payment.LinkedAccount{linked("L1", true, 0), linked("L2", true, 1)}, "L1")
			return err
		}, payment.ErrInvalidArgument},
		{"a list with an ID twice", func() error {
			_, err := payment.Unlink([]payment.LinkedAccount{linked("L1", true, 0), linked("L1", false, 1)}, "L1")
			return err
		}, payment.ErrDuplicateLinkedAccount},
		{"an account without a gateway", func() error {
			a := linked("L3", false, 0)
			a.Gateway = ""
			_, err := payment.Link(two, a)
			return err
		}, payment.ErrInvalidArgument},
		{"an account without a display", func() error {
			a := linked("L3", false, 0)
			a.Display = ""
			return a.Validate()
		}, payment.ErrInvalidArgument},
		{"a display with a newline", func() error {
			a := linked("L3", false, 0)
			a.Display = "MoMo\n4242"
			return a.Validate()
		}, payment.ErrInvalidArgument},
		{"a display of 129 bytes", func() error {
			a := linked("L3", false, 0)
			a.Display = strings.Repeat("d", 129)
			return a.Validate()
		}, payment.ErrInvalidArgument},
		{"an account without a creation time", func() error {
			a := linked("L3", false, 0)
			a.CreatedAt = time.Time{}
			return a.Validate()
		}, payment.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.run(), tt.want)
		})
	}
}

func ExampleMaskToken() {
	fmt.Println(payment.MaskToken("tok_visa_4242424242424242"))
	fmt.Println(payment.MaskToken("short"))
	// Output:
	// •••• 4242
	// ••••
}
