package coupon_test

import (
	"testing"

	"github.com/cloudbill/cloudbill/coupon"
)

// BenchmarkEvaluate measures a checkout's coupon step: three lines and one
// percent coupon limited to two products, with a cap and limits.
func BenchmarkEvaluate(b *testing.B) {
	c := percent(b, "SPRING20", "20")
	c.Cap = amt(b, "100000 VND")
	c.Products = []string{"vserver", "vstorage"}
	c.TotalLimit, c.PerAccountLimit = 1000, 1
	c.ValidFrom, c.ValidUntil = day(2026, 3, 1), day(2026, 4, 1)
	req := request([]coupon.Line{
		line(b, "vserver", "181000 VND"), line(b, "vstorage", "35000 VND"), line(b, "vmonitor", "50000 VND"),
	}, c)
	req.Usage = map[string]coupon.Usage{"SPRING20": {Total: 10}}
	want := amt(b, "43200 VND") // 20% of 216,000
	b.ReportAllocs()
	for b.Loop() {
		res, err := coupon.Evaluate(req)
		if err != nil || !res.Total.Equal(want) {
			b.Fatal(res.Total, err)
		}
	}
}
