package invoice_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// The prepaid flow: after the payment succeeded and the resource was
// provisioned, the resource's invoice is issued and paid in one step.
func ExampleIssuePaid() {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, hcm)
	price, _ := money.New("181000", "VND")
	line, err := invoice.PriceLine(invoice.LineInput{
		Description: "vServer 1 vCPU / 2 GB, 30 days",
		Period:      period.Span{Start: now, End: now.AddDate(0, 0, 30)},
		Quantity:    decimal.NewFromInt(1),
		UnitPrice:   price,
		TaxRate:     decimal.Zero,
	}, invoice.TaxExclusive)
	if err != nil {
		fmt.Println(err)
		return
	}
	draft, err := invoice.New(invoice.Draft{
		ID: "inv_1", AccountID: "acc_1", ResourceID: "srv_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: now,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	series, _ := invoice.SeriesFor(invoice.KindInvoice, now, hcm)
	paid, err := invoice.IssuePaid(draft, series, 42, now) // 42: the store's next number
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(paid.DisplayNumber(), paid.Status, paid.Total, "paid", paid.AmountPaid, "due", paid.AmountDue())
	// Output: INV-2026-000042 paid 181000 VND paid 181000 VND due 0 VND
}

// Deleting a prepaid resource with 20 of its 30 days unused refunds
// 181,000/30 × 20 = 120,667 as a credit note against its invoice.
func ExampleNewCreditNote() {
	at := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	price, _ := money.New("181000", "VND")
	line, _ := invoice.PriceLine(invoice.LineInput{
		Description: "vServer 1 vCPU / 2 GB", Quantity: decimal.NewFromInt(1), UnitPrice: price,
	}, invoice.TaxExclusive)
	draft, _ := invoice.New(invoice.Draft{
		ID: "inv_1", AccountID: "acc_1", ResourceID: "srv_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: at,
	})
	paid, _ := invoice.IssuePaid(draft, "INV-2026", 1, at)

	deletedAt := at.Add(10 * 24 * time.Hour)
	refund, _ := money.New("120667", "VND")
	note, err := invoice.NewCreditNote(paid, refund, invoice.CreditRequest{
		ID: "cn_1", Reason: "deleted with 20 days unused", At: deletedAt,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	note, _ = invoice.Issue(note, "CN-2026", 1, deletedAt, time.Time{})
	paid, err = invoice.RecordCredit(paid, note)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(note.DisplayNumber(), note.Kind, note.Total, "credits", note.CreditedInvoiceID)
	fmt.Println("credited", paid.AmountCredited, "of", paid.Total)

	_, err = invoice.NewCreditNote(paid, price, invoice.CreditRequest{ID: "cn_2", Reason: "again", At: deletedAt})
	fmt.Println(err)
	// Output:
	// CN-2026-000001 credit_note 120667 VND credits inv_1
	// credited 120667 VND of 181000 VND
	// invoice: credit of 181000 VND on "inv_1" exceeds what is left to credit (total 181000 VND, credited 120667 VND)
}

func ExampleParseNumber() {
	s, _ := invoice.Format("INV-2026", 42)
	series, n, _ := invoice.ParseNumber(s)
	fmt.Println(s, series, n)
	_, _, err := invoice.ParseNumber("INV-2026-42")
	fmt.Println(err)
	// Output:
	// INV-2026-000042 INV-2026 42
	// invoice: invalid document number "INV-2026-42": number has fewer than 6 digits
}
