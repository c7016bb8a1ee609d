package invoice_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// genInvoice draws a draft invoice of 1 to 8 random lines priced by
// PriceLine: any currency of 0, 2 or 3 digits, either tax mode, unit prices
// with up to 3 more digits than the currency, fractional quantities,
// discounts up to the whole amount and rates from 0 to 100%.
func genInvoice(t *rapid.T) invoice.Invoice {
	cur := rapid.SampledFrom([]string{"VND", "USD", "KWD"}).Draw(t, "currency")
	mode := rapid.SampledFrom([]invoice.TaxMode{invoice.TaxExclusive, invoice.TaxInclusive}).Draw(t, "mode")
	c, err := money.LookupCurrency(cur)
	if err != nil {
		t.Fatal(err)
	}
	n := rapid.IntRange(1, 8).Draw(t, "lines")
	lines := make([]invoice.Line, n)
	for i := range lines {
		places := c.Digits() + rapid.Int32Range(0, 3).Draw(t, "extra digits")
		price, err := money.FromDecimal(decimal.New(rapid.Int64Range(0, 10_000_000_000).Draw(t, "price"), -places), cur)
		if err != nil {
			t.Fatal(err)
		}
		qty := decimal.New(rapid.Int64Range(0, 1_000_000).Draw(t, "quantity"), -rapid.Int32Range(0, 3).Draw(t, "quantity places"))
		rate := decimal.New(rapid.Int64Range(0, 10_000).Draw(t, "rate"), -4)
		// Bound the discount by the rounded amount so the line is valid.
		maxMinor, err := price.Mul(qty).Round(money.HalfUp).MinorUnits()
		if err != nil {
			t.Fatal(err)
		}
		discount, _ := money.FromMinor(rapid.Int64Range(0, maxMinor).Draw(t, "discount"), cur)
		l, err := invoice.PriceLine(invoice.LineInput{
			Description: fmt.Sprintf("line %d", i), Quantity: qty, UnitPrice: price, Discount: discount, TaxRate: rate,
		}, mode)
		if err != nil {
			t.Fatalf("PriceLine: %v", err)
		}
		lines[i] = l
	}
	inv, err := invoice.New(invoice.Draft{ID: "inv", AccountID: "acc", ResourceID: "res", Currency: cur,
		TaxMode: mode, Lines: lines, CreatedAt: t0})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return inv
}

// sum adds the field of every line, failing on a currency mismatch.
func sum(t *rapid.T, inv invoice.Invoice, field func(invoice.Line) money.Amount) money.Amount {
	parts := make([]money.Amount, len(inv.Lines))
	for i, l := range inv.Lines {
		parts[i] = field(l)
	}
	s, err := money.Sum(inv.Currency, parts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// eq fails unless a and b are the same amount.
func eq(t *rapid.T, what string, got, want money.Amount) {
	if !got.Equal(want) {
		t.Fatalf("%s: got %s, want %s", what, got, want)
	}
}

func add(t *rapid.T, a, b money.Amount) money.Amount {
	s, err := a.Add(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sub(t *rapid.T, a, b money.Amount) money.Amount {
	s, err := a.Sub(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPropertyTotalsReconcile(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inv := genInvoice(t)
		eq(t, "Σ Amount = Subtotal", sum(t, inv, func(l invoice.Line) money.Amount { return l.Amount }), inv.Subtotal)
		eq(t, "Σ Discount = Discount", sum(t, inv, func(l invoice.Line) money.Amount { return l.Discount }), inv.Discount)
		eq(t, "Σ Net = Net", sum(t, inv, func(l invoice.Line) money.Amount { return l.Net }), inv.Net)
		eq(t, "Σ Tax = Tax", sum(t, inv, func(l invoice.Line) money.Amount { return l.Tax }), inv.Tax)
		eq(t, "Σ Total = Total", sum(t, inv, func(l invoice.Line) money.Amount { return l.Total }), inv.Total)
		eq(t, "Net + Tax = Total", add(t, inv.Net, inv.Tax), inv.Total)
		if inv.TaxMode == invoice.TaxExclusive {
			eq(t, "Subtotal − Discount + Tax = Total", add(t, sub(t, inv.Subtotal, inv.Discount), inv.Tax), inv.Total)
		} else {
			eq(t, "Subtotal − Discount = Total", sub(t, inv.Subtotal, inv.Discount), inv.Total)
		}
		digits := inv.Subtotal.Currency().Digits()
		for i, l := range inv.Lines {
			// The tax rule, recomputed with the decimal library's own
			// rounding (half away from zero, which is half-up here).
			var want decimal.Decimal
			if inv.TaxMode == invoice.TaxExclusive {
				want = l.Net.Number().Mul(l.TaxRate).Round(digits)
			} else {
				want = l.Total.Number().Mul(l.TaxRate).DivRound(l.TaxRate.Add(decimal.NewFromInt(1)), digits)
			}
			if !l.Tax.Number().Equal(want) {
				t.Fatalf("line %d tax %s, want %s", i, l.Tax, want)
			}
			if !l.Amount.IsRounded() || !l.Total.IsRounded() || l.Total.IsNegative() || l.Net.IsNegative() {
				t.Fatalf("line %d has unrounded or negative amounts: %+v", i, l)
			}
		}
		if err := inv.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
	})
}

func TestPropertyCreditSplitsExactly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inv := genInvoice(t)
		total, _ := inv.Total.MinorUnits()
		if total == 0 {
			t.Skip("nothing to credit")
		}
		inv, err := invoice.IssuePaid(inv, "INV-2026", 1, t0)
		if err != nil {
			t.Fatal(err)
		}
		credit, _ := money.FromMinor(rapid.Int64Range(1, total).Draw(t, "credit"), inv.Currency)
		note, err := invoice.NewCreditNote(inv, credit, invoice.CreditRequest{ID: "cn", Reason: "r", At: t0})
		if err != nil {
			t.Fatalf("NewCreditNote(%s of %s): %v", credit, inv.Total, err)
		}
		eq(t, "credit note total = credit", note.Total, credit)
		eq(t, "Net + Tax = Total", add(t, note.Net, note.Tax), note.Total)
		j := 0
		for _, orig := range inv.Lines {
			if j < len(note.Lines) && note.Lines[j].Description == orig.Description {
				if c, _ := note.Lines[j].Total.Cmp(orig.Total); c > 0 {
					t.Fatalf("credit line %s exceeds its line %s", note.Lines[j].Total, orig.Total)
				}
				j++
			}
		}
		if j != len(note.Lines) {
			t.Fatalf("credit lines do not follow the invoice's lines")
		}
		issued, err := invoice.Issue(note, "CN-2026", 1, t0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		after, err := invoice.RecordCredit(inv, issued)
		if err != nil {
			t.Fatal(err)
		}
		left := sub(t, after.Total, after.AmountCredited)
		one, _ := money.FromMinor(1, inv.Currency)
		_, err = invoice.NewCreditNote(after, add(t, left, one), invoice.CreditRequest{ID: "cn2", Reason: "r", At: t0})
		if !errors.Is(err, invoice.ErrOverCredit) {
			t.Fatalf("crediting %s + 1 unit after %s of %s: %v, want ErrOverCredit", left, after.AmountCredited, after.Total, err)
		}
		if left.IsPositive() {
			if _, err := invoice.NewCreditNote(after, left, invoice.CreditRequest{ID: "cn2", Reason: "r", At: t0}); err != nil {
				t.Fatalf("crediting the remaining %s: %v", left, err)
			}
		}
	})
}

func TestPropertyFullCreditGivesBackEveryLine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inv := genInvoice(t)
		if !inv.Total.IsPositive() {
			t.Skip("nothing to credit")
		}
		inv, err := invoice.IssuePaid(inv, "INV-2026", 1, t0)
		if err != nil {
			t.Fatal(err)
		}
		req := invoice.CreditRequest{ID: "cn", Reason: "r", At: t0}
		note, err := invoice.NewCreditNote(inv, inv.Total, req)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "credited tax = invoice tax", note.Tax, inv.Tax)
		eq(t, "credited net = invoice net", note.Net, inv.Net)
		// Every invoice line, copied as is, is a valid credit note line.
		copied, err := invoice.NewCreditNoteLines(inv, inv.Lines, req)
		if err != nil {
			t.Fatalf("copying the invoice's lines onto a credit note: %v", err)
		}
		eq(t, "copied total", copied.Total, inv.Total)
	})
}
