package coupon_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

func TestEvaluateAmountsAndSplits(t *testing.T) {
	vserverOnly := percent(t, "VSERVER10", "10")
	vserverOnly.Products = []string{"vserver"}
	capped := percent(t, "PCT20", "20")
	capped.Cap = amt(t, "100000 VND")
	stackFixed := fixed(t, "STACK50K", "50000 VND")
	stackFixed.Stackable = true
	stackPct := percent(t, "STACK10", "10")
	stackPct.Stackable = true
	storageOnly := fixed(t, "STORAGE", "80000 VND")
	storageOnly.Products = []string{"vstorage"}
	storageOnly.Stackable = true
	all := percent(t, "ALL", "100")
	all.Stackable = true

	tests := []struct {
		name    string
		lines   []coupon.Line
		coupons []coupon.Coupon
		// per coupon: discount, then shares per line
		want      [][]string
		wantLines []string
		wantTotal string
	}{
		{
			name:      "fixed 150,000 on 1,000,000 + 500,000 splits 100,000 + 50,000",
			lines:     []coupon.Line{line(t, "vserver", "1000000 VND"), line(t, "vstorage", "500000 VND")},
			coupons:   []coupon.Coupon{fixed(t, "SAVE150K", "150000 VND")},
			want:      [][]string{{"150000 VND", "100000 VND", "50000 VND"}},
			wantLines: []string{"100000 VND", "50000 VND"}, wantTotal: "150000 VND",
		},
		{
			name:      "percent 20% capped at 100,000 on 1,000,000 takes 100,000",
			lines:     []coupon.Line{line(t, "vserver", "1000000 VND")},
			coupons:   []coupon.Coupon{capped},
			want:      [][]string{{"100000 VND", "100000 VND"}},
			wantLines: []string{"100000 VND"}, wantTotal: "100000 VND",
		},
		{
			name:      "percent 20% capped at 100,000 on 400,000 takes 80,000 (under the cap)",
			lines:     []coupon.Line{line(t, "vserver", "400000 VND")},
			coupons:   []coupon.Coupon{capped},
			want:      [][]string{{"80000 VND", "80000 VND"}},
			wantLines: []string{"80000 VND"}, wantTotal: "80000 VND",
		},
		{
			name:      "vserver-only 10% on vserver 181,000 + vstorage 35,000 gives vstorage 0",
			lines:     []coupon.Line{line(t, "vserver", "181000 VND"), line(t, "vstorage", "35000 VND")},
			coupons:   []coupon.Coupon{vserverOnly},
			want:      [][]string{{"18100 VND", "18100 VND", "0 VND"}},
			wantLines: []string{"18100 VND", "0 VND"}, wantTotal: "18100 VND",
		},
		{
			name: "vserver-only 10% of two vservers 181,005 + 90,000 rounds 27,100.5 up to 27,101",
			lines: []coupon.Line{line(t, "vserver", "181005 VND"), line(t, "vstorage", "35000 VND"),
				line(t, "vserver", "90000 VND")},
			coupons:   []coupon.Coupon{vserverOnly},
			want:      [][]string{{"27101 VND", "18101 VND", "0 VND", "9000 VND"}},
			wantLines: []string{"18101 VND", "0 VND", "9000 VND"}, wantTotal: "27101 VND",
		},
		{
			name:      "fixed 100 VND over three lines of 1,000 splits 34 + 33 + 33",
			lines:     []coupon.Line{line(t, "vserver", "1000 VND"), line(t, "vcdn", "1000 VND"), line(t, "vdb", "1000 VND")},
			coupons:   []coupon.Coupon{fixed(t, "HUNDRED", "100 VND")},
			want:      [][]string{{"100 VND", "34 VND", "33 VND", "33 VND"}},
			wantLines: []string{"34 VND", "33 VND", "33 VND"}, wantTotal: "100 VND",
		},
		{
			name:      "fixed 200,000 on an order of 150,000 takes 150,000",
			lines:     []coupon.Line{line(t, "vserver", "100000 VND"), line(t, "vwaf", "50000 VND")},
			coupons:   []coupon.Coupon{fixed(t, "BIG", "200000 VND")},
			want:      [][]string{{"150000 VND", "100000 VND", "50000 VND"}},
			wantLines: []string{"100000 VND", "50000 VND"}, wantTotal: "150000 VND",
		},
		{
			name:      "percent 100% takes every line whole",
			lines:     []coupon.Line{line(t, "vserver", "181000 VND"), line(t, "vmonitor", "15000 VND")},
			coupons:   []coupon.Coupon{percent(t, "FREE", "100")},
			want:      [][]string{{"196000 VND", "181000 VND", "15000 VND"}},
			wantLines: []string{"181000 VND", "15000 VND"}, wantTotal: "196000 VND",
		},
		{
			name:    "stacked fixed 50,000 then 10% takes 10% of the 1,450,000 left: 50,000 + 145,000",
			lines:   []coupon.Line{line(t, "vserver", "1000000 VND"), line(t, "vstorage", "500000 VND")},
			coupons: []coupon.Coupon{stackFixed, stackPct},
			want: [][]string{
				// 33,333.3 + 16,666.7: the larger remainder gets the leftover unit.
				{"50000 VND", "33333 VND", "16667 VND"},
				// 10% of 1,450,000 = 145,000 split by 966,667 : 483,333.
				{"145000 VND", "96667 VND", "48333 VND"},
			},
			wantLines: []string{"130000 VND", "65000 VND"}, wantTotal: "195000 VND",
		},
		{
			name:    "stacked 10% then fixed 50,000 in the other order gives 150,000 + 50,000",
			lines:   []coupon.Line{line(t, "vserver", "1000000 VND"), line(t, "vstorage", "500000 VND")},
			coupons: []coupon.Coupon{stackPct, stackFixed},
			want: [][]string{
				{"150000 VND", "100000 VND", "50000 VND"},
				{"50000 VND", "33333 VND", "16667 VND"},
			},
			wantLines: []string{"133333 VND", "66667 VND"}, wantTotal: "200000 VND",
		},
		{
			name:    "stacked storage 80,000 on a 35,000 vstorage line takes 35,000, then 10% of the vserver only",
			lines:   []coupon.Line{line(t, "vserver", "181000 VND"), line(t, "vstorage", "35000 VND")},
			coupons: []coupon.Coupon{storageOnly, stackPct},
			want: [][]string{
				{"35000 VND", "0 VND", "35000 VND"},
				{"18100 VND", "18100 VND", "0 VND"},
			},
			wantLines: []string{"18100 VND", "35000 VND"}, wantTotal: "53100 VND",
		},
		{
			name:    "stacked 100% then fixed 50,000 leaves nothing, so the second takes 0",
			lines:   []coupon.Line{line(t, "vserver", "181000 VND"), line(t, "vstorage", "35000 VND")},
			coupons: []coupon.Coupon{all, stackFixed},
			want: [][]string{
				{"216000 VND", "181000 VND", "35000 VND"},
				{"0 VND", "0 VND", "0 VND"},
			},
			wantLines: []string{"181000 VND", "35000 VND"}, wantTotal: "216000 VND",
		},
		{
			name:      "a zero line gets no share and does not change the split",
			lines:     []coupon.Line{line(t, "vserver", "0 VND"), line(t, "vserver", "300000 VND")},
			coupons:   []coupon.Coupon{fixed(t, "SAVE150K", "150000 VND")},
			want:      [][]string{{"150000 VND", "0 VND", "150000 VND"}},
			wantLines: []string{"0 VND", "150000 VND"}, wantTotal: "150000 VND",
		},
		{
			name:      "no codes give no discount",
			lines:     []coupon.Line{line(t, "vserver", "181000 VND")},
			want:      [][]string{},
			wantLines: []string{"0 VND"}, wantTotal: "0 VND",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := coupon.Evaluate(request(tt.lines, tt.coupons...))
			require.NoError(t, err)
			got := make([][]string, len(res.Applied))
			for i, a := range res.Applied {
				assert.Equal(t, tt.coupons[i].Code, a.Code)
				assert.Equal(t, tt.coupons[i].Kind, a.Kind)
				got[i] = append([]string{a.Amount.String()}, strs(a.Shares)...)
			}
			assert.Empty(t, cmp.Diff(tt.want, got))
			assert.Equal(t, tt.wantLines, strs(res.Lines))
			assert.Equal(t, tt.wantTotal, res.Total.String())
		})
	}
}

func TestEvaluateBaseIsWhatIsLeftOfTheEligibleLines(t *testing.T) {
	a := fixed(t, "FIRST", "50000 VND")
	a.Stackable = true
	b := percent(t, "SECOND", "10")
	b.Stackable = true
	b.Products = []string{"vserver"}
	res, err := coupon.Evaluate(request(
		[]coupon.Line{line(t, "vserver", "1000000 VND"), line(t, "vstorage", "500000 VND")}, a, b))
	require.NoError(t, err)
	require.Len(t, res.Applied, 2)
	assert.Equal(t, "1500000 VND", res.Applied[0].Base.String())
	// The vserver line has 1,000,000 − 33,333 left; 10% of it is 96,666.7.
	assert.Equal(t, "966667 VND", res.Applied[1].Base.String())
	assert.Equal(t, "96667 VND", res.Applied[1].Amount.String())
}

func TestEvaluateRoundsToTheCurrencyDigits(t *testing.T) {
	tests := []struct {
		name, currency, p string
		lines             []string
		want              string
		wantShares        []string
	}{
		{"10% of 1.235 KWD rounds 0.1235 half-up to 0.124", "KWD", "10",
			[]string{"1.235 KWD"}, "0.124 KWD", []string{"0.124 KWD"}},
		{"12.5% of 0.004 KWD rounds 0.0005 half-up to 0.001", "KWD", "12.5",
			[]string{"0.004 KWD"}, "0.001 KWD", []string{"0.001 KWD"}},
		{"15% of 3 × 0.333 KWD takes 0.150 split 0.050 each", "KWD", "15",
			[]string{"0.333 KWD", "0.333 KWD", "0.333 KWD"}, "0.150 KWD",
			[]string{"0.050 KWD", "0.050 KWD", "0.050 KWD"}},
		{"7% of 0.010 + 0.020 KWD takes 0.002 split 0.001 + 0.001", "KWD", "7",
			[]string{"0.010 KWD", "0.020 KWD"}, "0.002 KWD", []string{"0.001 KWD", "0.001 KWD"}},
		{"33.333% of 10.00 USD rounds 3.3333 to 3.33", "USD", "33.333",
			[]string{"10.00 USD"}, "3.33 USD", []string{"3.33 USD"}},
		{"5% of 10.10 USD rounds 0.505 half-up to 0.51", "USD", "5",
			[]string{"10.10 USD"}, "0.51 USD", []string{"0.51 USD"}},
		{"5% of 181,010 VND rounds 9,050.5 half-up to 9,051", "VND", "5",
			[]string{"181010 VND"}, "9051 VND", []string{"9051 VND"}},
		{"0.0000000001% of 1,000 VND rounds to 0", "VND", "0.0000000001",
			[]string{"1000 VND"}, "0 VND", []string{"0 VND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := make([]coupon.Line, len(tt.lines))
			for i, l := range tt.lines {
				lines[i] = line(t, "vserver", l)
			}
			req := request(lines, percent(t, "PCT", tt.p))
			req.Currency = tt.currency
			res, err := coupon.Evaluate(req)
			require.NoError(t, err)
			require.Len(t, res.Applied, 1)
			assert.Equal(t, tt.want, res.Applied[0].Amount.String())
			assert.Equal(t, tt.wantShares, strs(res.Applied[0].Shares))
			assert.Equal(t, tt.want, res.Total.String())
		})
	}
}

func TestEvaluateFixedCouponInKWD(t *testing.T) {
	req := request([]coupon.Line{line(t, "vserver", "1.000 KWD"), line(t, "vdb", "2.000 KWD")},
		fixed(t, "KWD1", "0.100 KWD"))
	req.Currency = "KWD"
	res, err := coupon.Evaluate(req)
	require.NoError(t, err)
	// 0.100 by 1 : 2 is 33.33 + 66.67 fils: the larger remainder gets the leftover fil.
	assert.Equal(t, []string{"0.033 KWD", "0.067 KWD"}, strs(res.Applied[0].Shares))
}

func TestEvaluateLeavesTheRequestUnchanged(t *testing.T) {
	c := fixed(t, "SAVE150K", "150000 VND")
	c.Products = []string{"vserver", "vstorage"}
	req := request([]coupon.Line{line(t, "vserver", "1000000 VND"), line(t, "vstorage", "500000 VND")}, c)
	req.Codes = []string{" save150k "}
	before := request([]coupon.Line{line(t, "vserver", "1000000 VND"), line(t, "vstorage", "500000 VND")}, c)
	before.Codes = []string{" save150k "}
	res, err := coupon.Evaluate(req)
	require.NoError(t, err)
	assert.Equal(t, "SAVE150K", res.Applied[0].Code, "the applied code is normalised")
	assert.Empty(t, cmp.Diff(before, req, cmp.Comparer(func(a, b money.Amount) bool { return a.Equal(b) })))
}
