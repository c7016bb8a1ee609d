package coupon_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

func TestEvaluateRejectsWithEveryReason(t *testing.T) {
	lines := func() []coupon.Line {
		return []coupon.Line{line(t, "vserver", "300000 VND"), line(t, "vstorage", "100000 VND")}
	}
	tests := []struct {
		name   string
		edit   func(c *coupon.Coupon, r *coupon.Request)
		want   coupon.Rejection // Err is checked separately
		wantMs string
	}{
		{
			name:   "a code with a space is malformed_code",
			edit:   func(_ *coupon.Coupon, r *coupon.Request) { r.Codes = []string{"SPRING 20"} },
			want:   coupon.Rejection{Code: "SPRING 20", Reason: coupon.ReasonMalformedCode},
			wantMs: `coupon "SPRING 20" is not a valid coupon code: character ' ' at byte 6 is not a letter A-Z, a digit, '_' or '-'`,
		},
		{
			name:   "spring20 then SPRING20 is duplicate_code",
			edit:   func(_ *coupon.Coupon, r *coupon.Request) { r.Codes = []string{"spring20", " SPRING20"} },
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonDuplicateCode},
			wantMs: "coupon SPRING20 was entered more than once",
		},
		{
			name:   "a code with no definition is unknown_code",
			edit:   func(_ *coupon.Coupon, r *coupon.Request) { r.Codes = []string{"winter25"} },
			want:   coupon.Rejection{Code: "WINTER25", Reason: coupon.ReasonUnknownCode},
			wantMs: "coupon WINTER25 does not exist",
		},
		{
			name:   "valid from 2026-04-01 is not_yet_valid on 2026-03-15",
			edit:   func(c *coupon.Coupon, _ *coupon.Request) { c.ValidFrom = day(2026, 4, 1) },
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonNotYetValid, At: day(2026, 4, 1)},
			wantMs: "coupon SPRING20 is not valid until 2026-04-01",
		},
		{
			name:   "valid until 2026-03-15 09:00 is expired at 10:30",
			edit:   func(c *coupon.Coupon, _ *coupon.Request) { c.ValidUntil = now.Add(-90 * time.Minute) },
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonExpired, At: now.Add(-90 * time.Minute)},
			wantMs: "coupon SPRING20 expired at 2026-03-15T09:00:00Z",
		},
		{
			name:   "valid until 2026-03-01 is expired",
			edit:   func(c *coupon.Coupon, _ *coupon.Request) { c.ValidUntil = day(2026, 3, 1) },
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonExpired, At: day(2026, 3, 1)},
			wantMs: "coupon SPRING20 expired at 2026-03-01",
		},
		{
			name: "a USD coupon on a VND order is currency_mismatch",
			edit: func(c *coupon.Coupon, _ *coupon.Request) {
				*c = fixed(t, "SPRING20", "5.00 USD")
			},
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonCurrencyMismatch, Currency: "USD", OrderCurrency: "VND"},
			wantMs: "coupon SPRING20 is in USD, the order is in VND",
		},
		{
			name:   "a percent coupon capped in USD on a VND order is currency_mismatch",
			edit:   func(c *coupon.Coupon, _ *coupon.Request) { c.Cap = amt(t, "10.00 USD") },
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonCurrencyMismatch, Currency: "USD", OrderCurrency: "VND"},
			wantMs: "coupon SPRING20 is in USD, the order is in VND",
		},
		{
			name: "a create-and-renew coupon on a resize is not_applicable_action",
			edit: func(c *coupon.Coupon, r *coupon.Request) {
				c.Actions = []coupon.Action{coupon.ActionCreate, coupon.ActionRenew}
				r.Action = coupon.ActionResize
			},
			want: coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonNotApplicableAction,
				Action: coupon.ActionResize, Actions: []coupon.Action{coupon.ActionCreate, coupon.ActionRenew}},
			wantMs: "coupon SPRING20 does not apply to resize (only create, renew)",
		},
		{
			name:   "a vcdn and vwaf coupon on vserver and vstorage is not_applicable_product",
			edit:   func(c *coupon.Coupon, _ *coupon.Request) { c.Products = []string{"vcdn", "vwaf"} },
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonNotApplicableProduct, Products: []string{"vcdn", "vwaf"}},
			wantMs: "coupon SPRING20 applies only to vcdn, vwaf",
		},
		{
			name: "a first-order coupon on a second order is first_order_only",
			edit: func(c *coupon.Coupon, r *coupon.Request) {
				c.FirstOrderOnly = true
				r.FirstOrder = false
			},
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonFirstOrderOnly},
			wantMs: "coupon SPRING20 is valid only on a first order",
		},
		{
			name: "minimum 350,000 on vserver with a 300,000 vserver line is minimum_not_met",
			edit: func(c *coupon.Coupon, _ *coupon.Request) {
				c.MinSpend = amt(t, "350000 VND")
				c.Products = []string{"vserver"}
			},
			want: coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonMinimumNotMet,
				Minimum: amt(t, "350000 VND"), Subtotal: amt(t, "300000 VND")},
			wantMs: "coupon SPRING20 needs a spend of at least 350000 VND on eligible products (this order has 300000 VND)",
		},
		{
			name: "total limit 3 with 3 redemptions is total_limit_reached",
			edit: func(c *coupon.Coupon, r *coupon.Request) {
				c.TotalLimit = 3
				r.Usage = map[string]coupon.Usage{"SPRING20": {Total: 3}}
			},
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonTotalLimitReached, Limit: 3},
			wantMs: "coupon SPRING20 has been fully redeemed (limit 3)",
		},
		{
			name: "per-account limit 1 with 1 redemption by the account is account_limit_reached",
			edit: func(c *coupon.Coupon, r *coupon.Request) {
				c.PerAccountLimit = 1
				r.Usage = map[string]coupon.Usage{"SPRING20": {Total: 40, Account: 1}}
			},
			want:   coupon.Rejection{Code: "SPRING20", Reason: coupon.ReasonAccountLimitReached, Limit: 1},
			wantMs: "coupon SPRING20 has already been used by this account as often as allowed (limit 1)",
		},
		{
			name: "a stackable and a non-stackable coupon together are not_stackable",
			edit: func(c *coupon.Coupon, r *coupon.Request) {
				c.Stackable = true
				other := fixed(t, "LOYAL", "10000 VND")
				r.Coupons = append(r.Coupons, other)
				r.Codes = append(r.Codes, "LOYAL")
			},
			want:   coupon.Rejection{Code: "LOYAL", Reason: coupon.ReasonNotStackable},
			wantMs: "coupon LOYAL cannot be combined with other coupons",
		},
	}
	seen := map[coupon.Reason]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := percent(t, "SPRING20", "20")
			req := request(lines())
			req.Codes = []string{c.Code}
			tt.edit(&c, &req)
			req.Coupons = append([]coupon.Coupon{c}, req.Coupons...)
			res, err := coupon.Evaluate(req)
			require.Error(t, err)
			assert.Empty(t, cmp.Diff(coupon.Result{}, res, cmp.Comparer(func(a, b money.Amount) bool { return a.Equal(b) })),
				"a rejection gives no partial result")
			require.ErrorIs(t, err, coupon.ErrRejected)
			var rej *coupon.Rejection
			require.ErrorAs(t, err, &rej)
			got := *rej
			got.Err = nil
			assert.Empty(t, cmp.Diff(tt.want, got, cmp.Comparer(func(a, b money.Amount) bool { return a.Equal(b) })))
			assert.Equal(t, tt.wantMs, rej.Message())
			assert.Equal(t, "coupon: "+tt.wantMs, err.Error(), "the error has the package's prefix")
			assert.Equal(t, tt.want.Reason == coupon.ReasonMalformedCode, errors.Is(err, coupon.ErrMalformedCode))
			seen[tt.want.Reason] = true
		})
	}
	for _, r := range coupon.Reasons() {
		assert.True(t, seen[r], "reason %s has a test", r)
	}
}

func TestEvaluateValidityWindowIsHalfOpen(t *testing.T) {
	from, until := day(2026, 3, 1), day(2026, 4, 1)
	tests := []struct {
		name string
		at   time.Time
		want coupon.Reason // "" means accepted
	}{
		{"one nanosecond before ValidFrom is not yet valid", from.Add(-time.Nanosecond), coupon.ReasonNotYetValid},
		{"exactly at ValidFrom is valid", from, ""},
		{"exactly at ValidFrom seen from Ho Chi Minh City (07:00 local) is valid", from.In(hcm(t)), ""},
		{"one nanosecond before ValidUntil is valid", until.Add(-time.Nanosecond), ""},
		{"exactly at ValidUntil is expired", until, coupon.ReasonExpired},
		{"after ValidUntil is expired", until.Add(24 * time.Hour), coupon.ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := percent(t, "SPRING20", "20")
			c.ValidFrom, c.ValidUntil = from, until
			req := request([]coupon.Line{line(t, "vserver", "100000 VND")}, c)
			req.Now = tt.at
			res, err := coupon.Evaluate(req)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, "20000 VND", res.Total.String())
				return
			}
			var rej *coupon.Rejection
			require.ErrorAs(t, err, &rej)
			assert.Equal(t, tt.want, rej.Reason)
		})
	}
}

func hcm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	return loc
}

func TestEvaluateLimits(t *testing.T) {
	tests := []struct {
		name          string
		total, perAcc int
		usage         coupon.Usage
		want          coupon.Reason
	}{
		{"total limit 3 with 2 redemptions is accepted", 3, 0, coupon.Usage{Total: 2}, ""},
		{"total limit 3 with 3 redemptions is rejected", 3, 0, coupon.Usage{Total: 3}, coupon.ReasonTotalLimitReached},
		{"total limit 3 with 4 redemptions is rejected", 3, 0, coupon.Usage{Total: 4}, coupon.ReasonTotalLimitReached},
		{"total limit 0 with 1,000,000 redemptions is unlimited", 0, 0, coupon.Usage{Total: 1_000_000}, ""},
		{"per-account limit 2 with 1 by the account is accepted", 0, 2, coupon.Usage{Total: 9, Account: 1}, ""},
		{"per-account limit 2 with 2 by the account is rejected", 0, 2, coupon.Usage{Total: 9, Account: 2}, coupon.ReasonAccountLimitReached},
		{"per-account limit 0 with 50 by the account is unlimited", 0, 0, coupon.Usage{Total: 50, Account: 50}, ""},
		{"both limits reached reports the total limit first", 3, 1, coupon.Usage{Total: 3, Account: 1}, coupon.ReasonTotalLimitReached},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixed(t, "LIMITED", "1000 VND")
			c.TotalLimit, c.PerAccountLimit = tt.total, tt.perAcc
			req := request([]coupon.Line{line(t, "vserver", "100000 VND")}, c)
			req.Usage = map[string]coupon.Usage{"LIMITED": tt.usage, "OTHER": {Total: 100, Account: 100}}
			_, err := coupon.Evaluate(req)
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			var rej *coupon.Rejection
			require.ErrorAs(t, err, &rej)
			assert.Equal(t, tt.want, rej.Reason)
		})
	}
}

func TestEvaluateMinimumSpend(t *testing.T) {
	tests := []struct {
		name, min string
		ok        bool
	}{
		{"minimum 400,000 with 400,000 eligible is met", "400000 VND", true},
		{"minimum 400,001 with 400,000 eligible is not met", "400001 VND", false},
		{"minimum 0 is always met", "0 VND", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := percent(t, "MIN", "10")
			c.MinSpend = amt(t, tt.min)
			req := request([]coupon.Line{line(t, "vserver", "300000 VND"), line(t, "vstorage", "100000 VND")}, c)
			res, err := coupon.Evaluate(req)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, "40000 VND", res.Total.String())
				return
			}
			var rej *coupon.Rejection
			require.ErrorAs(t, err, &rej)
			assert.Equal(t, coupon.ReasonMinimumNotMet, rej.Reason)
		})
	}
}

func TestEvaluateChecksInOrder(t *testing.T) {
	t.Run("the first rejected code in entry order is reported", func(t *testing.T) {
		expired := fixed(t, "OLD", "1000 VND")
		expired.ValidUntil = day(2026, 1, 1)
		req := request([]coupon.Line{line(t, "vserver", "100000 VND")}, expired)
		req.Codes = []string{"OLD", "NOPE"}
		var rej *coupon.Rejection
		require.ErrorAs(t, mustFail(t, req), &rej)
		assert.Equal(t, coupon.ReasonExpired, rej.Reason)

		req.Codes = []string{"NOPE", "OLD"}
		require.ErrorAs(t, mustFail(t, req), &rej)
		assert.Equal(t, coupon.Rejection{Code: "NOPE", Reason: coupon.ReasonUnknownCode}, *rej)
	})
	t.Run("an unknown second code is reported before the pair is found not stackable", func(t *testing.T) {
		req := request([]coupon.Line{line(t, "vserver", "100000 VND")}, fixed(t, "ONE", "1000 VND"))
		req.Codes = []string{"ONE", "TWO"}
		var rej *coupon.Rejection
		require.ErrorAs(t, mustFail(t, req), &rej)
		assert.Equal(t, coupon.ReasonUnknownCode, rej.Reason)
	})
	t.Run("two non-stackable coupons name the first", func(t *testing.T) {
		req := request([]coupon.Line{line(t, "vserver", "100000 VND")},
			fixed(t, "ONE", "1000 VND"), fixed(t, "TWO", "1000 VND"))
		var rej *coupon.Rejection
		require.ErrorAs(t, mustFail(t, req), &rej)
		assert.Equal(t, coupon.Rejection{Code: "ONE", Reason: coupon.ReasonNotStackable}, *rej)
	})
	t.Run("one non-stackable coupon alone is accepted", func(t *testing.T) {
		_, err := coupon.Evaluate(request([]coupon.Line{line(t, "vserver", "100000 VND")}, fixed(t, "ONE", "1000 VND")))
		require.NoError(t, err)
	})
	t.Run("an expired coupon is reported expired even if it is for another product", func(t *testing.T) {
		c := fixed(t, "OLD", "1000 VND")
		c.ValidUntil = day(2026, 1, 1)
		c.Products = []string{"vdb"}
		var rej *coupon.Rejection
		require.ErrorAs(t, mustFail(t, request([]coupon.Line{line(t, "vserver", "100000 VND")}, c)), &rej)
		assert.Equal(t, coupon.ReasonExpired, rej.Reason)
	})
	t.Run("an unknown code is reported before a later duplicate of it", func(t *testing.T) {
		req := request([]coupon.Line{line(t, "vserver", "100000 VND")})
		req.Codes = []string{"GHOST", "ghost"}
		var rej *coupon.Rejection
		require.ErrorAs(t, mustFail(t, req), &rej)
		assert.Equal(t, coupon.ReasonUnknownCode, rej.Reason, "the first GHOST is already unknown")
	})
}

func TestRejectionCarriesCopies(t *testing.T) {
	c := fixed(t, "VDB", "1000 VND")
	c.Products = []string{"vdb"}
	var rej *coupon.Rejection
	require.ErrorAs(t, mustFail(t, request([]coupon.Line{line(t, "vserver", "100000 VND")}, c)), &rej)
	rej.Products[0] = "changed"
	assert.Equal(t, "vdb", c.Products[0], "changing the rejection does not change the definition")
}

func TestRejectionMessageForAnUnknownReason(t *testing.T) {
	err := &coupon.Rejection{Code: "X1Y", Reason: "made_up"}
	assert.Equal(t, "coupon: coupon X1Y rejected: made_up", err.Error())
	assert.ErrorIs(t, err, coupon.ErrRejected)
	assert.False(t, coupon.Reason("made_up").Valid())
}

func TestReasonValuesAreStable(t *testing.T) {
	want := []string{"malformed_code", "duplicate_code", "unknown_code", "not_yet_valid", "expired",
		"currency_mismatch", "not_applicable_action", "not_applicable_product", "first_order_only",
		"minimum_not_met", "total_limit_reached", "account_limit_reached", "not_stackable"}
	got := make([]string, 0, len(want))
	for _, r := range coupon.Reasons() {
		assert.True(t, r.Valid())
		got = append(got, string(r))
	}
	assert.Equal(t, want, got)
}

func mustFail(t *testing.T, req coupon.Request) error {
	t.Helper()
	_, err := coupon.Evaluate(req)
	require.Error(t, err)
	return err
}

func TestCheckLimits(t *testing.T) {
	c := fixed(t, "LIMITED", "1000 VND")
	c.TotalLimit, c.PerAccountLimit = 100, 2
	tests := []struct {
		name  string
		usage coupon.Usage
		want  *coupon.Rejection
	}{
		{"99 in total and 1 by the account leave room", coupon.Usage{Total: 99, Account: 1}, nil},
		{"100 in total reaches the total limit of 100", coupon.Usage{Total: 100, Account: 0},
			&coupon.Rejection{Code: "LIMITED", Reason: coupon.ReasonTotalLimitReached, Limit: 100}},
		{"2 by the account reach the per-account limit of 2", coupon.Usage{Total: 5, Account: 2},
			&coupon.Rejection{Code: "LIMITED", Reason: coupon.ReasonAccountLimitReached, Limit: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.CheckLimits(tt.usage)
			if tt.want == nil {
				assert.NoError(t, err) // a typed nil would fail here
				return
			}
			require.ErrorIs(t, err, coupon.ErrRejected)
			var rej *coupon.Rejection
			require.ErrorAs(t, err, &rej)
			assert.Equal(t, *tt.want, *rej)
		})
	}
}
