package coupon_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

func TestValidateAcceptsWellFormedDefinitions(t *testing.T) {
	full := percent(t, "SPRING20", "20")
	full.Cap = amt(t, "100000 VND")
	full.MinSpend = amt(t, "500000 VND")
	full.ValidFrom, full.ValidUntil = day(2026, 3, 1), day(2026, 4, 1)
	full.Products = []string{"vserver", "vstorage", "vcdn", "vdb", "vmonitor", "vwaf"}
	full.Actions = []coupon.Action{coupon.ActionCreate, coupon.ActionRenew, coupon.ActionResize}
	full.TotalLimit, full.PerAccountLimit = 1000, 1
	full.FirstOrderOnly, full.Stackable = true, true

	fixedFull := fixed(t, "WELCOME", "50000 VND")
	fixedFull.MinSpend = amt(t, "0 VND")
	onlyFrom := fixed(t, "FROM", "1.000 KWD")
	onlyFrom.ValidFrom = day(2026, 1, 1)

	tests := []struct {
		name string
		c    coupon.Coupon
	}{
		{"percent 20% with every option is valid", full},
		{"percent 100% is valid", percent(t, "ALL", "100")},
		{"percent 0.0000000001% (10 fractional digits) is valid", percent(t, "TINY", "0.0000000001")},
		{"percent 12.50000000000000000000 (trailing zeros) is valid", percent(t, "HALF", "12.50000000000000000000")},
		{"fixed 50,000 VND with a zero minimum is valid", fixedFull},
		{"fixed 1.000 KWD with only a start is valid", onlyFrom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.c.Validate())
		})
	}
}

func TestValidateRejectsBrokenDefinitions(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(c *coupon.Coupon)
		field  string
		reason string
	}{
		{"a malformed code", func(c *coupon.Coupon) { c.Code = "A B" }, "code", "malformed"},
		{"a code not in normal form", func(c *coupon.Coupon) { c.Code = "spring20" }, "code", "not in normal form (want SPRING20)"},
		{"an unknown kind", func(c *coupon.Coupon) { c.Kind = "bogo" }, "kind", `unknown kind "bogo"`},
		{"an empty kind", func(c *coupon.Coupon) { c.Kind = "" }, "kind", `unknown kind ""`},
		{"percent 0", func(c *coupon.Coupon) { c.Percent = decimal.Zero }, "percent", "must be positive"},
		{"percent -5", func(c *coupon.Coupon) { c.Percent = decimal.NewFromInt(-5) }, "percent", "must be positive"},
		{"percent 100.01", func(c *coupon.Coupon) { c.Percent = dec(t, "100.01") }, "percent", "must be at most 100"},
		{"percent 1000 written as 1e3", func(c *coupon.Coupon) { c.Percent = decimal.New(1, 3) }, "percent", "must be at most 100"},
		{"percent 1e1000000000", func(c *coupon.Coupon) { c.Percent = decimal.New(1, 1_000_000_000) }, "percent", "must be at most 100"},
		{"percent with 11 fractional digits", func(c *coupon.Coupon) { c.Percent = dec(t, "0.00000000001") }, "percent", "more than 10 fractional digits"},
		{"percent 1e-1000000000", func(c *coupon.Coupon) { c.Percent = decimal.New(1, -1_000_000_000) }, "percent", "more than 10 fractional digits"},
		{"a percent coupon with an amount", func(c *coupon.Coupon) { c.Amount = amt(t, "1000 VND") }, "amount", "must be unset for a percent coupon"},
		{"a cap of 0", func(c *coupon.Coupon) { c.Cap = amt(t, "0 VND") }, "cap", "must be positive"},
		{"a cap of 0.5 VND", func(c *coupon.Coupon) { c.Cap = amt(t, "0.5 VND") }, "cap", "must be whole minor units of VND"},
		{"a negative minimum", func(c *coupon.Coupon) { c.MinSpend = amt(t, "-1 VND") }, "min_spend", "must not be negative"},
		{"a minimum of 0.001 USD", func(c *coupon.Coupon) { c.MinSpend = amt(t, "0.001 USD") }, "min_spend", "must be whole minor units of USD"},
		{"a cap in VND and a minimum in USD", func(c *coupon.Coupon) {
			c.Cap, c.MinSpend = amt(t, "1000 VND"), amt(t, "1.00 USD")
		}, "currency", "cap, amount and min_spend must share one currency"},
		{"a window ending when it starts", func(c *coupon.Coupon) { c.ValidFrom, c.ValidUntil = day(2026, 3, 1), day(2026, 3, 1) }, "valid_until", "must be after valid_from"},
		{"a window ending before it starts", func(c *coupon.Coupon) { c.ValidFrom, c.ValidUntil = day(2026, 4, 1), day(2026, 3, 1) }, "valid_until", "must be after valid_from"},
		{"an empty product id", func(c *coupon.Coupon) { c.Products = []string{"vserver", ""} }, "products", "empty product id"},
		{"a product listed twice", func(c *coupon.Coupon) { c.Products = []string{"vserver", "vdb", "vserver"} }, "products", `product "vserver" listed twice`},
		{"an unknown action", func(c *coupon.Coupon) { c.Actions = []coupon.Action{"delete"} }, "actions", `unknown action "delete"`},
		{"an action listed twice", func(c *coupon.Coupon) { c.Actions = []coupon.Action{coupon.ActionRenew, coupon.ActionRenew} }, "actions", "action renew listed twice"},
		{"a negative total limit", func(c *coupon.Coupon) { c.TotalLimit = -1 }, "total_limit", "must not be negative (0 means unlimited)"},
		{"a negative per-account limit", func(c *coupon.Coupon) { c.PerAccountLimit = -1 }, "per_account_limit", "must not be negative (0 means unlimited)"},
		{"a fixed coupon with a percent", func(c *coupon.Coupon) { *c = fixed(t, "SPRING20", "1000 VND"); c.Percent = decimal.NewFromInt(5) }, "percent", "must be zero for a fixed coupon"},
		{"a fixed coupon with a cap", func(c *coupon.Coupon) { *c = fixed(t, "SPRING20", "1000 VND"); c.Cap = amt(t, "500 VND") }, "cap", "must be unset for a fixed coupon"},
		{"a fixed coupon without an amount", func(c *coupon.Coupon) { *c = fixed(t, "SPRING20", "1000 VND"); c.Amount = money.Amount{} }, "amount", "must be set for a fixed coupon"},
		{"a fixed coupon of 0", func(c *coupon.Coupon) { *c = fixed(t, "SPRING20", "0 VND") }, "amount", "must be positive"},
		{"a fixed coupon of -1000", func(c *coupon.Coupon) { *c = fixed(t, "SPRING20", "-1000 VND") }, "amount", "must be positive"},
		{"a fixed coupon of 0.005 USD", func(c *coupon.Coupon) { *c = fixed(t, "SPRING20", "0.005 USD") }, "amount", "must be whole minor units of USD"},
		{"a fixed coupon in USD with a minimum in VND", func(c *coupon.Coupon) {
			*c = fixed(t, "SPRING20", "1.00 USD")
			c.MinSpend = amt(t, "1000 VND")
		}, "currency", "cap, amount and min_spend must share one currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is invalid ("+tt.field+")", func(t *testing.T) {
			c := percent(t, "SPRING20", "20")
			tt.edit(&c)
			err := c.Validate()
			require.ErrorIs(t, err, coupon.ErrInvalidCoupon)
			var de *coupon.DefinitionError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, c.Code, de.Code)
			assert.Equal(t, tt.field, de.Field)
			assert.Equal(t, tt.reason, de.Reason)
		})
	}
}

func TestDefinitionErrorWrapsItsCause(t *testing.T) {
	c := percent(t, "A B", "20")
	err := c.Validate()
	require.ErrorIs(t, err, coupon.ErrInvalidCoupon)
	require.ErrorIs(t, err, coupon.ErrMalformedCode)
	assert.Equal(t, `coupon: invalid coupon "A B": code: malformed: coupon: malformed code "A B": character ' ' at byte 1 is not a letter A-Z, a digit, '_' or '-'`, err.Error())

	c = fixed(t, "USD", "1.00 USD")
	c.MinSpend = amt(t, "1 VND")
	err = c.Validate()
	require.ErrorIs(t, err, money.ErrCurrencyMismatch)
	var cm *money.CurrencyMismatchError
	require.ErrorAs(t, err, &cm)
	assert.Equal(t, money.CurrencyMismatchError{A: "USD", B: "VND"}, *cm)
}

func TestKindsAndActions(t *testing.T) {
	assert.Equal(t, []coupon.Kind{"percent", "fixed"}, coupon.Kinds())
	assert.Equal(t, []coupon.Action{"create", "renew", "resize"}, coupon.Actions())
	for _, k := range coupon.Kinds() {
		assert.True(t, k.Valid())
	}
	for _, a := range coupon.Actions() {
		assert.True(t, a.Valid())
	}
	assert.False(t, coupon.Kind("Percent").Valid())
	assert.False(t, coupon.Action("recover").Valid())
}
