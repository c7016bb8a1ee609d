package document_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// Render a paid invoice as HTML and PDF for a Vietnamese customer. The
// parties come from the host's own records; the amounts are printed in the
// customer's locale, exactly.
func ExampleRenderer() {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, hcm)
	price, _ := money.New("181000", "VND")
	line, _ := invoice.PriceLine(invoice.LineInput{
		Description: "vServer 1 vCPU / 2 GB RAM, 30 ngày", Quantity: decimal.NewFromInt(1),
		UnitPrice: price, TaxRate: decimal.RequireFromString("0.1"),
	}, invoice.TaxExclusive)
	draft, _ := invoice.New(invoice.Draft{
		ID: "inv_1", AccountID: "acc_1", ResourceID: "srv_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: at,
	})
	paid, _ := invoice.IssuePaid(draft, "INV-2026", 1, at)

	r, err := document.NewRenderer(document.Config{}) // embedded template and font
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := document.Options{
		Seller:   document.Party{Name: "Công ty TNHH Mây Xanh", Address: "123 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh", TaxID: "0312345678"},
		Buyer:    document.Party{Name: "Công ty TNHH Minh Anh", TaxID: "0301234567"},
		Locale:   document.ViVN,
		Location: hcm,
	}
	var html, pdf bytes.Buffer
	if err := r.HTML(&html, paid, opts); err != nil {
		fmt.Println(err)
		return
	}
	if err := r.PDF(&pdf, paid, opts); err != nil {
		fmt.Println(err)
		return
	}
	v, _ := r.View(paid, opts)
	fmt.Println(v.Title, v.Number, "—", v.Status)
	for _, f := range v.Totals {
		fmt.Printf("%s: %s\n", f.Label, f.Value)
	}
	fmt.Println("HTML has the total:", strings.Contains(html.String(), "199.100 ₫"))
	fmt.Println("PDF:", bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	// Output:
	// Hóa đơn giá trị gia tăng INV-2026-000001 — Đã thanh toán
	// Cộng tiền hàng: 181.000 ₫
	// Tiền trước thuế: 181.000 ₫
	// Thuế GTGT 10%: 18.100 ₫
	// Tổng tiền thanh toán: 199.100 ₫
	// HTML has the total: true
	// PDF: true
}

func ExampleFormatMoney() {
	vnd, _ := money.New("230000", "VND")
	usd, _ := money.New("1234.5", "USD")
	for _, c := range []struct {
		a money.Amount
		l document.Locale
	}{{vnd, document.ViVN}, {usd, document.EnUS}, {usd, document.ViVN}} {
		s, _ := document.FormatMoney(c.a, c.l)
		fmt.Printf("%s in %s: %s\n", c.a, c.l, s)
	}
	// Output:
	// 230000 VND in vi-VN: 230.000 ₫
	// 1234.50 USD in en-US: $1,234.50
	// 1234.50 USD in vi-VN: 1.234,50 US$
}

// Render the PDF view of a Vietnamese e-invoice: the signed XML is the
// invoice, and this is the copy a buyer reads, with the tax authority's
// code and the lookup code once the provider has them.
func ExampleRenderer_EInvoicePDF() {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	sym, _ := einvoice.ParseSymbol("C26TAA")
	vnd := func(s string) money.Amount { a, _ := money.New(s, "VND"); return a }
	inv := einvoice.Invoice{
		Form: einvoice.FormVAT, Symbol: sym, Number: 1, Issued: time.Date(2026, 4, 5, 9, 0, 0, 0, hcm),
		Zone: "Asia/Ho_Chi_Minh", Currency: "VND", ExchangeRate: decimal.NewFromInt(1), PaymentMethod: "TM/CK",
		Seller: invoice.Party{Name: "Công ty TNHH Mây Xanh", TaxCode: "0312345678", Address: "123 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh"},
		Buyer:  invoice.Party{Name: "Công ty TNHH Minh Anh", TaxCode: "0301234567"},
		Lines: []einvoice.Line{{Nature: einvoice.NatureGoods, Name: "vServer 1 vCPU / 2 GB RAM", Unit: "tháng",
			Quantity: decimal.NewFromInt(1), UnitPrice: vnd("181000"), Discount: vnd("0"), Amount: vnd("181000"),
			VAT: einvoice.VAT10, Tax: vnd("18100")}},
	}
	r, _ := document.NewRenderer(document.Config{})
	var pdf bytes.Buffer
	err := r.EInvoicePDF(&pdf, inv, document.EInvoiceStatus{
		LookupCode: "MX7K2Q9P", AuthorityCode: "00A1B2C3D4E5F60718293A4B5C6D7E8F90",
		SignedBy: "CÔNG TY TNHH MÂY XANH", SignedAt: time.Date(2026, 4, 5, 9, 1, 0, 0, hcm),
	})
	totals, _ := inv.Totals()
	fmt.Println("PDF:", err == nil && bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	fmt.Println("Ký hiệu:", einvoice.SeriesKey(inv.Form, inv.Symbol))
	fmt.Println("Số tiền viết bằng chữ:", totals.InWords)
	// Output:
	// PDF: true
	// Ký hiệu: 1C26TAA
	// Số tiền viết bằng chữ: Một trăm chín mươi chín nghìn một trăm đồng
}
