package coupon_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

func TestEvaluateRejectsBadRequests(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(r *coupon.Request)
		field  string
		reason string
		cause  error
	}{
		{"an unknown currency", func(r *coupon.Request) { r.Currency = "vnd" }, "currency", `unknown currency "vnd"`, money.ErrUnknownCurrency},
		{"no account", func(r *coupon.Request) { r.AccountID = "" }, "account_id", "required", nil},
		{"an unknown action", func(r *coupon.Request) { r.Action = "delete" }, "action", `unknown action "delete"`, nil},
		{"no action", func(r *coupon.Request) { r.Action = "" }, "action", `unknown action ""`, nil},
		{"no instant", func(r *coupon.Request) { r.Now = time.Time{} }, "now", "required", nil},
		{"no lines", func(r *coupon.Request) { r.Lines = nil }, "lines", "at least one line is required", nil},
		{"a line without a product", func(r *coupon.Request) { r.Lines[1].Product = "" }, "lines[1].product", "required", nil},
		{"a line in USD on a VND order", func(r *coupon.Request) { r.Lines[1].Amount = amt(t, "5.00 USD") },
			"lines[1].amount", "not in the order's currency", money.ErrCurrencyMismatch},
		{"a line with no amount", func(r *coupon.Request) { r.Lines[0].Amount = money.Amount{} },
			"lines[0].amount", "not in the order's currency", money.ErrCurrencyMismatch},
		{"a negative line", func(r *coupon.Request) { r.Lines[0].Amount = amt(t, "-1 VND") }, "lines[0].amount", "must not be negative", nil},
		{"a line of 0.5 VND", func(r *coupon.Request) { r.Lines[0].Amount = amt(t, "0.5 VND") },
			"lines[0].amount", "must be whole minor units", money.ErrNotRounded},
		{"a coupon defined twice", func(r *coupon.Request) { r.Coupons = append(r.Coupons, r.Coupons[0]) },
			"coupons[1]", "code SAVE defined twice", nil},
		{"a usage key not normalised", func(r *coupon.Request) { r.Usage = map[string]coupon.Usage{"save": {Total: 5}} },
			"usage", `key "save" is not a normalised code`, nil},
		{"a malformed usage key", func(r *coupon.Request) { r.Usage = map[string]coupon.Usage{"s": {Total: 5}} },
			"usage", `key "s" is not a normalised code`, coupon.ErrMalformedCode},
		{"a negative total count", func(r *coupon.Request) { r.Usage = map[string]coupon.Usage{"SAVE": {Total: -1}} },
			"usage[SAVE]", "counts must not be negative", nil},
		{"a negative account count", func(r *coupon.Request) { r.Usage = map[string]coupon.Usage{"SAVE": {Account: -1}} },
			"usage[SAVE]", "counts must not be negative", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is an invalid request", func(t *testing.T) {
			req := request([]coupon.Line{line(t, "vserver", "100000 VND"), line(t, "vdb", "50000 VND")},
				fixed(t, "SAVE", "1000 VND"))
			tt.edit(&req)
			res, err := coupon.Evaluate(req)
			assert.Nil(t, res.Applied)
			require.ErrorIs(t, err, coupon.ErrInvalidRequest)
			assert.NotErrorIs(t, err, coupon.ErrRejected)
			var re *coupon.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.field, re.Field)
			assert.Equal(t, tt.reason, re.Reason)
			if tt.cause != nil {
				assert.ErrorIs(t, err, tt.cause)
			}
		})
	}
}

func TestEvaluateRejectsABrokenDefinitionEvenIfNotEntered(t *testing.T) {
	req := request([]coupon.Line{line(t, "vserver", "100000 VND")}, fixed(t, "SAVE", "1000 VND"))
	req.Coupons = append(req.Coupons, percent(t, "BROKEN", "120"))
	_, err := coupon.Evaluate(req)
	require.ErrorIs(t, err, coupon.ErrInvalidCoupon)
	var de *coupon.DefinitionError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, coupon.DefinitionError{Code: "BROKEN", Field: "percent", Reason: "must be at most 100"}, *de)
	assert.Equal(t, `coupon: invalid coupon "BROKEN": percent: must be at most 100`, err.Error())
}

func TestRequestErrorMessage(t *testing.T) {
	req := request([]coupon.Line{line(t, "vserver", "0.5 VND")})
	_, err := coupon.Evaluate(req)
	assert.EqualError(t, err, "coupon: invalid request: lines[0].amount: must be whole minor units: "+money.ErrNotRounded.Error())
}
