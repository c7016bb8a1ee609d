package payment_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment"
)

func TestLedgerAccountStringForms(t *testing.T) {
	tests := []struct {
		name    string
		account payment.LedgerAccount
		want    string
	}{
		{"cash is customer:cash", payment.CashAccount(), "customer:cash"},
		{"grant G-1 is customer:promo:G-1", payment.PromoAccount("G-1"), "customer:promo:G-1"},
		{"payment P-9 held is customer:held:P-9", payment.HeldAccount("P-9"), "customer:held:P-9"},
		{"momo clearing is gateway:clearing:momo", payment.ClearingAccount("momo"), "gateway:clearing:momo"},
		{"sales is revenue:sales", payment.SalesAccount(), "revenue:sales"},
		{"refunds is revenue:refunds", payment.RefundsAccount(), "revenue:refunds"},
		{"promotions is expense:promotions", payment.PromotionsAccount(), "expense:promotions"},
		{"breakage is income:promo_expired", payment.PromoExpiredAccount(), "income:promo_expired"},
		{"a sub-key may contain colons", payment.PromoAccount("urn:grant:7"), "customer:promo:urn:grant:7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.account.Validate())
			assert.Equal(t, tt.want, tt.account.String())
			back, err := payment.ParseLedgerAccount(tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.account, back)
		})
	}
}

func TestParseLedgerAccountRejects(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"empty text", ""},
		{"unknown kind", "customer:gold"},
		{"upper case", "CUSTOMER:CASH"},
		{"surrounding space", " customer:cash"},
		{"cash with a sub-key", "customer:cash:x"},
		{"promo without a sub-key", "customer:promo"},
		{"promo with an empty sub-key", "customer:promo:"},
		{"held with a space in the sub-key", "customer:held:pay 1"},
		{"clearing with a 129-byte sub-key", "gateway:clearing:" + strings.Repeat("g", 129)},
		{"sales with a trailing colon", "revenue:sales:"},
		{"a sub-key with a non-ASCII letter", "customer:promo:grānt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payment.ParseLedgerAccount(tt.input)
			require.ErrorIs(t, err, payment.ErrInvalidAccount)
			var ae *payment.AccountError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.input, ae.Input)
		})
	}
}

func TestLedgerAccountValidateRejectsBadValues(t *testing.T) {
	tests := []struct {
		name    string
		account payment.LedgerAccount
	}{
		{"the zero account", payment.LedgerAccount{}},
		{"unknown kind", payment.LedgerAccount{Kind: "asset:bank"}},
		{"sales with a key", payment.LedgerAccount{Kind: payment.AccountSales, Key: "x"}},
		{"promo without a key", payment.PromoAccount("")},
		{"held with a tab in the key", payment.HeldAccount("a\tb")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.account.Validate(), payment.ErrInvalidAccount)
			_, err := tt.account.MarshalText()
			require.ErrorIs(t, err, payment.ErrInvalidAccount)
		})
	}
}

func TestLedgerAccountCustomerKinds(t *testing.T) {
	customer := map[payment.AccountKind]bool{payment.AccountCash: true, payment.AccountPromo: true, payment.AccountHeld: true}
	for _, k := range []payment.AccountKind{payment.AccountCash, payment.AccountPromo, payment.AccountHeld,
		payment.AccountClearing, payment.AccountSales, payment.AccountRefunds, payment.AccountPromotions, payment.AccountPromoExpired} {
		assert.True(t, k.Valid(), k)
		assert.Equal(t, customer[k], k.Customer(), k)
	}
}

func TestLedgerAccountJSONMapKeysRoundTrip(t *testing.T) {
	in := map[payment.LedgerAccount]int{payment.CashAccount(): 1, payment.PromoAccount("G-1"): 2}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"customer:cash":1,"customer:promo:G-1":2}`, string(b))
	var out map[payment.LedgerAccount]int
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	var a payment.LedgerAccount
	err = json.Unmarshal([]byte(`"customer:bogus"`), &a)
	require.True(t, errors.Is(err, payment.ErrInvalidAccount), err)
	assert.Equal(t, payment.LedgerAccount{}, a, "a failed parse leaves the value unchanged")
}

func FuzzParseLedgerAccount(f *testing.F) {
	for _, s := range []string{"customer:cash", "customer:promo:G-1", "customer:held:p:1", "gateway:clearing:momo",
		"revenue:sales", "customer:promo:", "customer:cash:x", "", "\xff", "customer:promo:a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := payment.ParseLedgerAccount(s)
		if err != nil {
			if !errors.Is(err, payment.ErrInvalidAccount) {
				t.Fatalf("error %v does not match ErrInvalidAccount", err)
			}
			if a != (payment.LedgerAccount{}) {
				t.Fatalf("error with a non-zero account %#v", a)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("parsed %q into invalid %#v: %v", s, a, err)
		}
		if a.String() != s {
			t.Fatalf("round trip: %q -> %q", s, a.String())
		}
	})
}
