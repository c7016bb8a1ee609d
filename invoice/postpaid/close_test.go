package postpaid_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func vnd(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.New(s, "VND")
	require.NoError(t, err)
	return a
}

func monthOf(t testing.TB, zone string, y int, m time.Month) period.Span {
	t.Helper()
	cal, err := period.NewCalendar(zone, period.ThirtyDayMonths)
	require.NoError(t, err)
	return cal.MonthSpan(time.Date(y, m, 15, 12, 0, 0, 0, cal.Location()))
}

func local(t testing.TB, zone string, y int, m time.Month, d, h, mi, s int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	return time.Date(y, m, d, h, mi, s, 0, loc)
}

// lineNums renders a line as minutes, pre-tax, tax, coupon, total.
func lineNums(l postpaid.Line) []string {
	return []string{decimal.NewFromInt(l.Minutes).String(), l.PreTax.Number().String(), l.Tax.Number().String(),
		l.Coupon.Number().String(), l.Total.Number().String()}
}

func billNums(b postpaid.Bill) []string {
	return []string{b.PreTax.Number().String(), b.Tax.Number().String(), b.Coupon.Number().String(), b.Total.Number().String()}
}

const hcm = "Asia/Ho_Chi_Minh"

// testT is what requireReconciles needs of a *testing.T or a *rapid.T.
type testT interface {
	require.TestingT
	Helper()
}

// requireReconciles checks every identity of a bill.
func requireReconciles(t testT, b postpaid.Bill) {
	t.Helper()
	cur := b.Total.Currency().Code()
	var pre, tax, cou, tot []money.Amount
	for _, l := range b.Lines {
		sum, err := l.PreTax.Add(l.Tax)
		require.NoError(t, err)
		sum, err = sum.Sub(l.Coupon)
		require.NoError(t, err)
		require.True(t, sum.Equal(l.Total), "line total %s != %s + %s − %s", l.Total, l.PreTax, l.Tax, l.Coupon)
		require.False(t, l.Total.IsNegative())
		shares := []money.Amount{}
		for _, s := range l.Coupons {
			shares = append(shares, s.Amount)
		}
		cs, err := money.Sum(cur, shares...)
		require.NoError(t, err)
		require.True(t, cs.Equal(l.Coupon), "coupon shares %s != line coupon %s", cs, l.Coupon)
		pre, tax, cou, tot = append(pre, l.PreTax), append(tax, l.Tax), append(cou, l.Coupon), append(tot, l.Total)
	}
	for _, x := range []struct {
		parts []money.Amount
		total money.Amount
	}{{pre, b.PreTax}, {tax, b.Tax}, {cou, b.Coupon}, {tot, b.Total}} {
		s, err := money.Sum(cur, x.parts...)
		require.NoError(t, err)
		require.True(t, s.Equal(x.total), "lines sum to %s, bill says %s", s, x.total)
	}
	applied := []money.Amount{}
	for _, u := range b.Coupons {
		applied = append(applied, u.Applied)
	}
	s, err := money.Sum(cur, applied...)
	require.NoError(t, err)
	require.True(t, s.Equal(b.Coupon), "coupons applied %s, lines carry %s", s, b.Coupon)
}

func TestCloseFormula(t *testing.T) {
	june := monthOf(t, hcm, 2024, time.June) // 30 days
	may := monthOf(t, hcm, 2024, time.May)   // 31 days
	vserver := func(m period.Span) postpaid.Interval {
		return postpaid.Interval{From: m.Start.Add(-24 * time.Hour), Item: "vServer 2 vCPU / 4 GB / 40 GB",
			UnitPrice: vnd(t, "181000"), Quantity: dec("1"), TaxRate: dec("0.1")}
	}
	tests := []struct {
		name  string
		month period.Span
		edit  func(*postpaid.Resource)
		lines [][]string
		bill  []string
	}{
		{"a 30-day month at 181,000 with 10% VAT is 181,000 + 18,100 = 199,100", june, nil,
			[][]string{{"43200", "181000", "18100", "0", "199100"}}, []string{"181000", "18100", "0", "199100"}},
		{"a 31-day month is 44,640 minutes: 187,033 + 18,703 = 205,736", may, nil,
			[][]string{{"44640", "187033", "18703", "0", "205736"}}, []string{"187033", "18703", "0", "205736"}},
		{"2 units with 20% off and a 50,000 coupon: 289,600 + 28,960 − 50,000 = 268,560", june,
			func(r *postpaid.Resource) {
				r.Intervals[0].Quantity, r.Intervals[0].DiscountRate = dec("2"), dec("0.2")
				r.Coupons = []postpaid.Coupon{{Code: "POST50K", Amount: vnd(t, "50000")}}
			},
			[][]string{{"43200", "289600", "28960", "50000", "268560"}}, []string{"289600", "28960", "50000", "268560"}},
		{"deleted on 21 June 00:00 is billed 20 days: 120,667 + 12,067 = 132,734", june,
			func(r *postpaid.Resource) { r.StoppedAt = local(t, hcm, 2024, time.June, 21, 0, 0, 0) },
			[][]string{{"28800", "120667", "12067", "0", "132734"}}, []string{"120667", "12067", "0", "132734"}},
		{"created on 11 June 00:00 is billed 20 days", june,
			func(r *postpaid.Resource) { r.Intervals[0].From = local(t, hcm, 2024, time.June, 11, 0, 0, 0) },
			[][]string{{"28800", "120667", "12067", "0", "132734"}}, []string{"120667", "12067", "0", "132734"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postpaid.Resource{ResourceID: "vm-1", Intervals: []postpaid.Interval{vserver(tt.month)}}
			if tt.edit != nil {
				tt.edit(&r)
			}
			b, err := postpaid.Close(tt.month, r)
			require.NoError(t, err)
			var got [][]string
			for _, l := range b.Lines {
				got = append(got, lineNums(l))
			}
			assert.Equal(t, tt.lines, got)
			assert.Equal(t, tt.bill, billNums(b))
			requireReconciles(t, b)
		})
	}
}

func TestCloseResizeMidMonthSplitsAtTheMinute(t *testing.T) {
	may := monthOf(t, hcm, 2024, time.May)
	resize := local(t, hcm, 2024, time.May, 11, 10, 30, 45) // 10 days 630 minutes (and 45 s) in
	r := postpaid.Resource{ResourceID: "vm-1", Intervals: []postpaid.Interval{
		{From: local(t, hcm, 2024, time.April, 3, 8, 0, 0), To: resize, Item: "2 vCPU / 4 GB", UnitPrice: vnd(t, "181000"), Quantity: dec("1"), TaxRate: dec("0.1")},
		{From: resize, Item: "8 vCPU / 16 GB", UnitPrice: vnd(t, "520000"), Quantity: dec("1"), TaxRate: dec("0.1")},
	}}
	b, err := postpaid.Close(may, r)
	require.NoError(t, err)
	require.Len(t, b.Lines, 2)
	// 181,000 × 15,030 ÷ 43,200 = 62,972.9 → 62,973; 520,000 × 29,610 ÷ 43,200 = 356,416.7 → 356,417.
	assert.Equal(t, []string{"15030", "62973", "6297", "0", "69270"}, lineNums(b.Lines[0]))
	assert.Equal(t, []string{"29610", "356417", "35642", "0", "392059"}, lineNums(b.Lines[1]))
	assert.Equal(t, int64(44640), b.Lines[0].Minutes+b.Lines[1].Minutes, "the split loses and repeats no minute")
	assert.True(t, b.Lines[0].Period.Start.Equal(may.Start))
	assert.True(t, b.Lines[0].Period.End.Equal(resize) && b.Lines[1].Period.Start.Equal(resize))
	assert.Equal(t, []string{"419390", "41939", "0", "461329"}, billNums(b))
	requireReconciles(t, b)
}

func TestCloseResizeThenDeleteWithCouponAndUsage(t *testing.T) {
	june := monthOf(t, hcm, 2024, time.June)
	resize := local(t, hcm, 2024, time.June, 11, 0, 0, 0)
	item := metering.Item{Metric: "snapshot.gb_hours", Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: vnd(t, "7.7")}
	m, err := metering.NewMeter(metering.Policy{}, item)
	require.NoError(t, err)
	charge, err := m.Price(metering.Aggregate{ResourceID: "vm-1", Metric: item.Metric, Quantity: dec("720"), Period: june})
	require.NoError(t, err)
	r := postpaid.Resource{ResourceID: "vm-1",
		Intervals: []postpaid.Interval{
			{From: june.Start, To: resize, Item: "2 vCPU", UnitPrice: vnd(t, "181000"), Quantity: dec("1"), TaxRate: dec("0.1")},
			{From: resize, Item: "4 vCPU", UnitPrice: vnd(t, "362000"), Quantity: dec("1"), TaxRate: dec("0.1")},
		},
		StoppedAt: local(t, hcm, 2024, time.June, 21, 0, 0, 0),
		Usage:     []postpaid.Metered{{Charge: charge, TaxRate: dec("0.1")}},
		Coupons:   []postpaid.Coupon{{Code: "A", Amount: vnd(t, "100000")}, {Code: "B", Amount: vnd(t, "1")}},
	}
	b, err := postpaid.Close(june, r)
	require.NoError(t, err)
	require.Len(t, b.Lines, 3)
	// 10 days at 181,000: 60,333 + 6,033 = 66,366; 10 days at 362,000: 120,667 + 12,067 = 132,734;
	// usage 720 × 7.7 = 5,544 + 554 = 6,098. Gross 205,198.
	// Coupon A 100,000 by 66,366 : 132,734 : 6,098 is 32,342.42 / 64,685.82 / 2,971.76: floors
	// 32,342 + 64,685 + 2,971 leave 2, given to the largest remainders (.82, .76): 32,342 + 64,686 + 2,972.
	// Coupon B 1 by what is left, 34,024 : 68,048 : 3,126, goes to the largest remainder: line 2.
	assert.Equal(t, []string{"14400", "60333", "6033", "32342", "34024"}, lineNums(b.Lines[0]))
	assert.Equal(t, []string{"14400", "120667", "12067", "64687", "68047"}, lineNums(b.Lines[1]))
	assert.Equal(t, []string{"0", "5544", "554", "2972", "3126"}, lineNums(b.Lines[2]))
	assert.Equal(t, postpaid.LineUsage, b.Lines[2].Kind)
	assert.Equal(t, "GB-hour", b.Lines[2].Unit)
	assert.Equal(t, []string{"186544", "18654", "100001", "105197"}, billNums(b))
	requireReconciles(t, b)
}

func TestCloseCouponLargerThanTheBillIsCapped(t *testing.T) {
	june := monthOf(t, hcm, 2024, time.June)
	b, err := postpaid.Close(june, postpaid.Resource{ResourceID: "vm-1",
		Intervals: []postpaid.Interval{{From: june.Start, UnitPrice: vnd(t, "181000"), Quantity: dec("1"), TaxRate: dec("0.1")}},
		Coupons:   []postpaid.Coupon{{Code: "BIG", Amount: vnd(t, "500000")}, {Code: "MORE", Amount: vnd(t, "1000")}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"181000", "18100", "199100", "0"}, billNums(b))
	require.Len(t, b.Coupons, 2)
	assert.Equal(t, "199100", b.Coupons[0].Applied.Number().String())
	assert.Equal(t, "0", b.Coupons[1].Applied.Number().String())
	requireReconciles(t, b)
}

func TestCloseInDSTZones(t *testing.T) {
	const nyc = "America/New_York"
	tests := []struct {
		name    string
		month   period.Span
		minutes string
		preTax  string
	}{
		{"March 2024 in New York loses an hour: 44,580 minutes, 186,782 (186,781.9)", monthOf(t, nyc, 2024, time.March), "44580", "186782"},
		{"November 2024 in New York gains an hour: 43,260 minutes, 181,251 (181,251.4)", monthOf(t, nyc, 2024, time.November), "43260", "181251"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := postpaid.Close(tt.month, postpaid.Resource{ResourceID: "vm-1",
				Intervals: []postpaid.Interval{{From: tt.month.Start, UnitPrice: vnd(t, "181000"), Quantity: dec("1")}}})
			require.NoError(t, err)
			require.Len(t, b.Lines, 1)
			assert.Equal(t, tt.minutes, lineNums(b.Lines[0])[0])
			assert.Equal(t, tt.preTax, b.PreTax.Number().String())
		})
	}
	t.Run("a resize on the night the clocks go forward splits the elapsed minutes exactly", func(t *testing.T) {
		march := monthOf(t, nyc, 2024, time.March)
		resize := local(t, nyc, 2024, time.March, 10, 4, 0, 0) // 2 hours of wall clock, 1 hour elapsed after 01:00
		b, err := postpaid.Close(march, postpaid.Resource{ResourceID: "vm-1", Intervals: []postpaid.Interval{
			{From: march.Start, To: resize, UnitPrice: vnd(t, "181000"), Quantity: dec("1")},
			{From: resize, UnitPrice: vnd(t, "181000"), Quantity: dec("1")},
		}})
		require.NoError(t, err)
		require.Len(t, b.Lines, 2)
		// 9 days + 3 elapsed hours (00:00 EST → 04:00 EDT) = 13,140 minutes.
		assert.Equal(t, int64(9*1440+180), b.Lines[0].Minutes)
		assert.Equal(t, int64(44580), b.Lines[0].Minutes+b.Lines[1].Minutes)
	})
}

func TestCloseRefusesBadInput(t *testing.T) {
	june := monthOf(t, hcm, 2024, time.June)
	good := func() postpaid.Resource {
		return postpaid.Resource{ResourceID: "vm-1", Intervals: []postpaid.Interval{
			{From: june.Start, To: june.Start.Add(48 * time.Hour), UnitPrice: vnd(t, "1000"), Quantity: dec("1")},
			{From: june.Start.Add(48 * time.Hour), UnitPrice: vnd(t, "2000"), Quantity: dec("1")},
		}}
	}
	usd, _ := money.New("1", "USD")
	tests := []struct {
		name string
		edit func(*postpaid.Resource)
		is   error
	}{
		{"overlapping intervals", func(r *postpaid.Resource) { r.Intervals[1].From = june.Start.Add(time.Hour) }, postpaid.ErrInvalidInput},
		{"an open interval followed by another", func(r *postpaid.Resource) { r.Intervals[0].To = time.Time{} }, postpaid.ErrInvalidInput},
		{"To before From", func(r *postpaid.Resource) { r.Intervals[0].To = june.Start.Add(-time.Hour) }, postpaid.ErrInvalidInput},
		{"a tax rate of 110%", func(r *postpaid.Resource) { r.Intervals[1].TaxRate = dec("1.1") }, pricing.ErrInvalidRate},
		{"a negative quantity", func(r *postpaid.Resource) { r.Intervals[1].Quantity = dec("-1") }, pricing.ErrInvalidQuantity},
		{"a USD interval on a VND bill", func(r *postpaid.Resource) { r.Intervals[1].UnitPrice = usd }, money.ErrCurrencyMismatch},
		{"a coupon without code", func(r *postpaid.Resource) { r.Coupons = []postpaid.Coupon{{Amount: vnd(t, "1")}} }, postpaid.ErrInvalidInput},
		{"a coupon of half a dong", func(r *postpaid.Resource) { r.Coupons = []postpaid.Coupon{{Code: "X", Amount: vnd(t, "0.5")}} }, money.ErrNotRounded},
		{"nothing to bill", func(r *postpaid.Resource) { r.Intervals = nil }, postpaid.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good()
			tt.edit(&r)
			_, err := postpaid.Close(june, r)
			assert.ErrorIs(t, err, tt.is)
			assert.ErrorIs(t, err, postpaid.ErrInvalidInput)
		})
	}
	_, err := postpaid.Close(period.Span{Start: june.Start, End: june.Start.AddDate(0, 2, 0)}, good())
	assert.ErrorIs(t, err, postpaid.ErrInvalidInput, "two months at once")
}
