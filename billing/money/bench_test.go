package money_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

func BenchmarkAdd(b *testing.B) {
	x, y := amt(b, "181000 VND"), amt(b, "49000 VND")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Add(y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMulRound prorates a monthly price by minutes used: price × minutes
// ÷ 43200, rounded to the currency.
func BenchmarkMulRound(b *testing.B) {
	price := amt(b, "590000 VND")
	minutes := decimal.NewFromInt(10000)
	perMonth := decimal.NewFromInt(43200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := price.Mul(minutes).Div(perMonth, 0, money.HalfUp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAllocate3(b *testing.B) {
	a := amt(b, "150000 VND")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Allocate(1, 1, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAllocateWeights10(b *testing.B) {
	a := amt(b, "1234567.89 USD")
	ws := make([]decimal.Decimal, 10)
	for i := range ws {
		ws[i] = decimal.New(int64(1000*(i+1)+7), -2)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.AllocateWeights(ws...); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := money.New("-1234567.89", "USD"); err != nil {
			b.Fatal(err)
		}
	}
}
