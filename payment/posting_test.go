package payment_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// validTopUp is a valid top-up of 100,000 VND through momo.
func validTopUp(t *testing.T) payment.Entry {
	t.Helper()
	return payment.Entry{
		ID: "e-1", Kind: payment.EntryTopUp, Reference: payment.Reference{Type: payment.RefPayment, ID: "pay-1"},
		Memo: "top-up", At: day0,
		Postings: []payment.Posting{
			{Account: payment.ClearingAccount("momo"), Amount: vnd(t, -100_000)},
			{Account: payment.CashAccount(), Amount: vnd(t, 100_000)},
		},
	}
}

func TestEntryValidateAcceptsABalancedTopUp(t *testing.T) {
	require.NoError(t, validTopUp(t).Validate())
	assert.Equal(t, "VND", validTopUp(t).Currency().Code())
}

func TestEntryValidateRejectsBadHeaders(t *testing.T) {
	tests := []struct {
		name   string
		change func(e *payment.Entry)
		field  string
	}{
		{"an empty ID", func(e *payment.Entry) { e.ID = "" }, "ID"},
		{"an ID of 257 bytes", func(e *payment.Entry) { e.ID = strings.Repeat("e", 257) }, "ID"},
		{"an ID with a space", func(e *payment.Entry) { e.ID = "e 1" }, "ID"},
		{"an unknown kind", func(e *payment.Entry) { e.Kind = "gift" }, "Kind"},
		{"no reference type", func(e *payment.Entry) { e.Reference.Type = "" }, "Reference.Type"},
		{"no reference ID", func(e *payment.Entry) { e.Reference.ID = "" }, "Reference.ID"},
		{"a memo with a newline", func(e *payment.Entry) { e.Memo = "a\nb" }, "Memo"},
		{"a memo of 1025 bytes", func(e *payment.Entry) { e.Memo = strings.Repeat("m", 1025) }, "Memo"},
		{"a memo that is not UTF-8", func(e *payment.Entry) { e.Memo = "\xff" }, "Memo"},
		{"the zero time", func(e *payment.Entry) { e.At = time.Time{} }, "At"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validTopUp(t)
			tt.change(&e)
			err := e.Validate()
			require.ErrorIs(t, err, payment.ErrInvalidEntry)
			var ee *payment.EntryError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tt.field, ee.Field)
		})
	}
}

func TestEntryValidateRejectsBadPostings(t *testing.T) {
	tests := []struct {
		name     string
		postings func(t *testing.T) []payment.Posting
		want     error // besides ErrInvalidPosting, when there is a cause
	}{
		{"a zero posting", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, 0)}, {payment.CashAccount(), vnd(t, 0)}}
		}, nil},
		{"half a dong is not rounded", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), amt(t, "-0.5 VND")}, {payment.CashAccount(), amt(t, "0.5 VND")}}
		}, money.ErrNotRounded},
		{"USD in a VND entry is a currency mismatch", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, -100)}, {payment.CashAccount(), amt(t, "100.00 USD")}}
		}, money.ErrCurrencyMismatch},
		{"the zero Amount is a currency mismatch", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, -100)}, {payment.CashAccount(), money.Amount{}}}
		}, money.ErrCurrencyMismatch},
		{"a malformed account", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount(""), vnd(t, -100)}, {payment.CashAccount(), vnd(t, 100)}}
		}, payment.ErrInvalidAccount},
		{"one account twice", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, -100)}, {payment.CashAccount(), vnd(t, 50)}, {payment.CashAccount(), vnd(t, 50)}}
		}, nil},
		{"a top-up never touches sales", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, -100)}, {payment.SalesAccount(), vnd(t, 100)}}
		}, nil},
		{"a top-up never shrinks cash", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, 100)}, {payment.CashAccount(), vnd(t, -100)}}
		}, nil},
		{"two gateways in one top-up", func(t *testing.T) []payment.Posting {
			return []payment.Posting{{payment.ClearingAccount("momo"), vnd(t, -60)}, {payment.ClearingAccount("zalopay"), vnd(t, -40)}, {payment.CashAccount(), vnd(t, 100)}}
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validTopUp(t)
			e.Postings = tt.postings(t)
			err := e.Validate()
			require.ErrorIs(t, err, payment.ErrInvalidPosting)
			var pe *payment.PostingError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "e-1", pe.EntryID)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestEntryValidateNeedsTwoPostings(t *testing.T) {
	for _, n := range []int{0, 1} {
		e := validTopUp(t)
		e.Postings = e.Postings[:n]
		err := e.Validate()
		require.ErrorIs(t, err, payment.ErrEmptyEntry, "%d postings", n)
	}
}

func TestEntryValidateUnbalancedBy1VND(t *testing.T) {
	e := validTopUp(t)
	e.Postings[1].Amount = vnd(t, 100_001)
	err := e.Validate()
	require.ErrorIs(t, err, payment.ErrUnbalanced)
	var ue *payment.UnbalancedError
	require.ErrorAs(t, err, &ue)
	assert.True(t, ue.Sum.Equal(vnd(t, 1)), "sum %s", ue.Sum)
}

func TestEntryConstructorsPostings(t *testing.T) {
	hold := mustHold(t)
	tests := []struct {
		name  string
		build func() (payment.Entry, error)
		kind  payment.EntryKind
		want  []string
	}{
		{"top-up of 100,000 through momo moves clearing to cash", func() (payment.Entry, error) {
			return payment.TopUpEntry(meta("e"), "momo", vnd(t, 100_000))
		}, payment.EntryTopUp, []string{"gateway:clearing:momo -100000 VND", "customer:cash 100000 VND"}},
		{"gateway payment of 230,000 moves clearing to sales", func() (payment.Entry, error) {
			return payment.GatewayPaymentEntry(meta("e"), "zalopay", vnd(t, 230_000))
		}, payment.EntryGatewayPayment, []string{"gateway:clearing:zalopay -230000 VND", "revenue:sales 230000 VND"}},
		{"spend of 60,000 takes 30,000 from each grant into sales", func() (payment.Entry, error) {
			return payment.SpendEntry(meta("e"), payment.SpendPlan{Amount: vnd(t, 60_000), Debits: []payment.BucketDebit{
				{Account: payment.PromoAccount("B"), Amount: vnd(t, 30_000)},
				{Account: payment.PromoAccount("A"), Amount: vnd(t, 30_000)},
			}})
		}, payment.EntryPayment, []string{"customer:promo:B -30000 VND", "customer:promo:A -30000 VND", "revenue:sales 60000 VND"}},
		{"hold of 150,000 moves 50,000 promo and 100,000 cash into held", func() (payment.Entry, error) {
			return hold, nil
		}, payment.EntryHold, []string{"customer:promo:A -50000 VND", "customer:cash -100000 VND", "customer:held:pay-7 150000 VND"}},
		{"capture of 150,000 held and 50,000 via momo books 200,000 sales", func() (payment.Entry, error) {
			return payment.CaptureEntry(meta("e"), hold, "momo", vnd(t, 50_000))
		}, payment.EntryCapture, []string{"customer:held:pay-7 -150000 VND", "gateway:clearing:momo -50000 VND", "revenue:sales 200000 VND"}},
		{"capture with no gateway part books the 150,000 held", func() (payment.Entry, error) {
			return payment.CaptureEntry(meta("e"), hold, "", money.Amount{})
		}, payment.EntryCapture, []string{"customer:held:pay-7 -150000 VND", "revenue:sales 150000 VND"}},
		{"release returns 50,000 to the grant and 100,000 to cash", func() (payment.Entry, error) {
			return payment.ReleaseEntry(meta("e"), hold)
		}, payment.EntryRelease, []string{"customer:promo:A 50000 VND", "customer:cash 100000 VND", "customer:held:pay-7 -150000 VND"}},
		{"refund of 40,000 goes from refunds to cash", func() (payment.Entry, error) {
			return payment.RefundEntry(meta("e"), vnd(t, 40_000))
		}, payment.EntryRefund, []string{"revenue:refunds -40000 VND", "customer:cash 40000 VND"}},
		{"grant of 3,500,000 is funded by promotions", func() (payment.Entry, error) {
			return payment.PromoGrantEntry(meta("e"), "G-1", vnd(t, 3_500_000))
		}, payment.EntryPromoGrant, []string{"expense:promotions -3500000 VND", "customer:promo:G-1 3500000 VND"}},
		{"expiry of 20,000 goes to breakage", func() (payment.Entry, error) {
			return payment.PromoExpireEntry(meta("e"), "G-1", vnd(t, 20_000))
		}, payment.EntryPromoExpire, []string{"customer:promo:G-1 -20000 VND", "income:promo_expired 20000 VND"}},
		{"top-up of 12.50 USD keeps cents", func() (payment.Entry, error) {
			return payment.TopUpEntry(meta("e"), "card", amt(t, "12.50 USD"))
		}, payment.EntryTopUp, []string{"gateway:clearing:card -12.50 USD", "customer:cash 12.50 USD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.build()
			require.NoError(t, err)
			require.NoError(t, e.Validate())
			assert.Equal(t, tt.kind, e.Kind)
			assert.Equal(t, "e", e.ID)
			assert.Equal(t, day0, e.At)
			assert.Equal(t, tt.want, postingStrings(e.Postings))
		})
	}
}

// mustHold holds 150,000 VND for payment pay-7: 50,000 from grant A and
// 100,000 from cash.
func mustHold(t *testing.T) payment.Entry {
	t.Helper()
	e, err := payment.HoldEntry(meta("e"), "pay-7", payment.SpendPlan{Amount: vnd(t, 150_000), Debits: []payment.BucketDebit{
		{Account: payment.PromoAccount("A"), Amount: vnd(t, 50_000)},
		{Account: payment.CashAccount(), Amount: vnd(t, 100_000)},
	}})
	require.NoError(t, err)
	return e
}

func TestEntryConstructorsRejectBadInput(t *testing.T) {
	hold := mustHold(t)
	plan := func(total int64, debits ...payment.BucketDebit) payment.SpendPlan {
		return payment.SpendPlan{Amount: vnd(t, total), Debits: debits}
	}
	tests := []struct {
		name  string
		build func() (payment.Entry, error)
		want  error
	}{
		{"a top-up of 0 VND", func() (payment.Entry, error) { return payment.TopUpEntry(meta("e"), "momo", vnd(t, 0)) }, payment.ErrInvalidAmount},
		{"a top-up of -5 VND", func() (payment.Entry, error) { return payment.TopUpEntry(meta("e"), "momo", vnd(t, -5)) }, payment.ErrInvalidAmount},
		{"a top-up of 0.001 USD", func() (payment.Entry, error) { return payment.TopUpEntry(meta("e"), "momo", amt(t, "0.001 USD")) }, money.ErrNotRounded},
		{"a top-up above 10^15 VND", func() (payment.Entry, error) {
			return payment.TopUpEntry(meta("e"), "momo", vnd(t, payment.MaxAmountMinorUnits+1))
		}, payment.ErrInvalidAmount},
		{"a top-up without a gateway", func() (payment.Entry, error) { return payment.TopUpEntry(meta("e"), "", vnd(t, 5)) }, payment.ErrInvalidArgument},
		{"a top-up without an entry ID", func() (payment.Entry, error) { return payment.TopUpEntry(meta(""), "momo", vnd(t, 5)) }, payment.ErrInvalidEntry},
		{"a gateway payment without a gateway", func() (payment.Entry, error) {
			return payment.GatewayPaymentEntry(meta("e"), "a b", vnd(t, 5))
		}, payment.ErrInvalidArgument},
		{"a spend with no debits", func() (payment.Entry, error) { return payment.SpendEntry(meta("e"), plan(10)) }, payment.ErrInvalidArgument},
		{"a spend whose debits sum to 9 of 10", func() (payment.Entry, error) {
			return payment.SpendEntry(meta("e"), plan(10, payment.BucketDebit{Account: payment.CashAccount(), Amount: vnd(t, 9)}))
		}, payment.ErrInvalidAmount},
		{"a spend debiting sales", func() (payment.Entry, error) {
			return payment.SpendEntry(meta("e"), plan(10, payment.BucketDebit{Account: payment.SalesAccount(), Amount: vnd(t, 10)}))
		}, payment.ErrInvalidArgument},
		{"a spend with a negative debit", func() (payment.Entry, error) {
			return payment.SpendEntry(meta("e"), plan(10,
				payment.BucketDebit{Account: payment.CashAccount(), Amount: vnd(t, 20)},
				payment.BucketDebit{Account: payment.PromoAccount("A"), Amount: vnd(t, -10)}))
		}, payment.ErrInvalidAmount},
		{"a spend with a USD debit", func() (payment.Entry, error) {
			return payment.SpendEntry(meta("e"), plan(10, payment.BucketDebit{Account: payment.CashAccount(), Amount: amt(t, "10.00 USD")}))
		}, money.ErrCurrencyMismatch},
		{"a spend taking cash twice", func() (payment.Entry, error) {
			return payment.SpendEntry(meta("e"), plan(10,
				payment.BucketDebit{Account: payment.CashAccount(), Amount: vnd(t, 5)},
				payment.BucketDebit{Account: payment.CashAccount(), Amount: vnd(t, 5)}))
		}, payment.ErrInvalidPosting},
		{"a hold without a payment ID", func() (payment.Entry, error) {
			return payment.HoldEntry(meta("e"), "", plan(10, payment.BucketDebit{Account: payment.CashAccount(), Amount: vnd(t, 10)}))
		}, payment.ErrInvalidArgument},
		{"a capture of a top-up entry", func() (payment.Entry, error) {
			return payment.CaptureEntry(meta("e"), validTopUp(t), "momo", vnd(t, 5))
		}, payment.ErrInvalidArgument},
		{"a capture of an unbalanced hold", func() (payment.Entry, error) {
			h := mustHold(t)
			h.Postings[0].Amount = vnd(t, -1)
			return payment.CaptureEntry(meta("e"), h, "momo", vnd(t, 5))
		}, payment.ErrUnbalanced},
		{"a capture with a USD gateway part", func() (payment.Entry, error) {
			return payment.CaptureEntry(meta("e"), hold, "momo", amt(t, "5.00 USD"))
		}, money.ErrCurrencyMismatch},
		{"a capture with a negative gateway part", func() (payment.Entry, error) {
			return payment.CaptureEntry(meta("e"), hold, "momo", vnd(t, -5))
		}, payment.ErrInvalidAmount},
		{"a capture with a gateway part but no gateway", func() (payment.Entry, error) {
			return payment.CaptureEntry(meta("e"), hold, "", vnd(t, 5))
		}, payment.ErrInvalidArgument},
		{"a release of a refund entry", func() (payment.Entry, error) {
			r, err := payment.RefundEntry(meta("r"), vnd(t, 5))
			require.NoError(t, err)
			return payment.ReleaseEntry(meta("e"), r)
		}, payment.ErrInvalidArgument},
		{"a grant without an ID", func() (payment.Entry, error) { return payment.PromoGrantEntry(meta("e"), "", vnd(t, 5)) }, payment.ErrInvalidArgument},
		{"an expiry of nothing", func() (payment.Entry, error) { return payment.PromoExpireEntry(meta("e"), "G", vnd(t, 0)) }, payment.ErrInvalidAmount},
		{"a refund of the zero Amount", func() (payment.Entry, error) { return payment.RefundEntry(meta("e"), money.Amount{}) }, payment.ErrInvalidAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.build()
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, payment.Entry{}, e)
		})
	}
}

func TestBalancesOfAGrantTopUpSpendAndRefundSumToZero(t *testing.T) {
	grant, err := payment.PromoGrantEntry(meta("e1"), "G-1", vnd(t, 50_000))
	require.NoError(t, err)
	top, err := payment.TopUpEntry(meta("e2"), "momo", vnd(t, 100_000))
	require.NoError(t, err)
	spend, err := payment.SpendEntry(meta("e3"), payment.SpendPlan{Amount: vnd(t, 70_000), Debits: []payment.BucketDebit{
		{Account: payment.PromoAccount("G-1"), Amount: vnd(t, 50_000)},
		{Account: payment.CashAccount(), Amount: vnd(t, 20_000)},
	}})
	require.NoError(t, err)
	refund, err := payment.RefundEntry(meta("e4"), vnd(t, 10_000))
	require.NoError(t, err)

	b, err := payment.Balances("VND", grant, top, spend, refund)
	require.NoError(t, err)
	got := map[string]string{}
	total := vnd(t, 0)
	for a, v := range b {
		got[a.String()] = v.String()
		total, err = total.Add(v)
		require.NoError(t, err)
	}
	assert.Equal(t, map[string]string{
		"expense:promotions":    "-50000 VND",
		"customer:promo:G-1":    "0 VND",
		"gateway:clearing:momo": "-100000 VND",
		"customer:cash":         "90000 VND",
		"revenue:sales":         "70000 VND",
		"revenue:refunds":       "-10000 VND",
	}, got)
	assert.True(t, total.IsZero(), "all balances sum to zero, got %s", total)
}

func TestBalancesRejectsBadInput(t *testing.T) {
	usd, err := payment.TopUpEntry(meta("e"), "card", amt(t, "1.00 USD"))
	require.NoError(t, err)
	_, err = payment.Balances("VND", usd)
	require.ErrorIs(t, err, money.ErrCurrencyMismatch)

	bad := validTopUp(t)
	bad.Postings[0].Amount = vnd(t, -1)
	_, err = payment.Balances("VND", bad)
	require.ErrorIs(t, err, payment.ErrUnbalanced)

	_, err = payment.Balances("XYZ")
	require.ErrorIs(t, err, money.ErrUnknownCurrency)

	b, err := payment.Balances("VND")
	require.NoError(t, err)
	assert.Empty(t, b)
}
