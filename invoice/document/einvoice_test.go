package document_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// twoRateEInvoice is a VND e-invoice 1C26TAA number 1 of 5 April 2026
// with two VAT rates: 2 months of vServer at 181,000 (362,000, VAT 10%
// 36,200) and a backup service of 750,000 less 50,000 (700,000, VAT 8%
// 56,000); 1,062,000 before VAT, 92,200 VAT, 1,154,200 to pay.
func twoRateEInvoice(t testing.TB) einvoice.Invoice {
	t.Helper()
	sym, err := einvoice.ParseSymbol("C26TAA")
	require.NoError(t, err)
	inv := einvoice.Invoice{
		Form: einvoice.FormVAT, Symbol: sym, Number: 1, Issued: time.Date(2026, 4, 5, 9, 0, 0, 0, hcm), Zone: "Asia/Ho_Chi_Minh",
		Currency: "VND", ExchangeRate: decimal.NewFromInt(1), PaymentMethod: "TM/CK",
		Seller: invoice.Party{Name: "Công ty TNHH Mây Xanh Việt Nam", TaxCode: "0312345678",
			Address: "Tầng 5, 123 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh", Phone: "028 3822 0000",
			BankAccount: "0071001234567", BankName: "Vietcombank"},
		Buyer: invoice.Party{Name: "Công ty TNHH Minh Anh", TaxCode: "0301234567", Address: "45 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
			BuyerName: "Nguyễn Văn An"},
		Lines: []einvoice.Line{
			{Nature: einvoice.NatureGoods, Name: "Máy chủ ảo vServer 2 vCPU / 4 GB", Unit: "tháng", Quantity: dec("2"),
				UnitPrice: amt(t, "181000 VND"), Discount: amt(t, "0 VND"), Amount: amt(t, "362000 VND"), VAT: einvoice.VAT10, Tax: amt(t, "36200 VND")},
			{Nature: einvoice.NatureGoods, Name: "Dịch vụ sao lưu dữ liệu", Unit: "gói", Quantity: dec("1"),
				UnitPrice: amt(t, "750000 VND"), Discount: amt(t, "50000 VND"), Amount: amt(t, "700000 VND"), VAT: einvoice.VAT8, Tax: amt(t, "56000 VND")},
		},
	}
	require.NoError(t, inv.Check())
	return inv
}

// adjustment decreases invoice 1C26TAA 00000001 by a refund of 120,667
// before VAT and 12,067 VAT.
func adjustment(t testing.TB) einvoice.Invoice {
	t.Helper()
	inv := twoRateEInvoice(t)
	inv.Number, inv.Issued = 2, time.Date(2026, 4, 25, 10, 0, 0, 0, hcm)
	inv.Related = &einvoice.Related{Kind: einvoice.Adjusts, Form: einvoice.FormVAT, Symbol: inv.Symbol, Number: 1,
		Issued: time.Date(2026, 4, 5, 9, 0, 0, 0, hcm), Note: "Điều chỉnh giảm do hoàn tiền thời gian chưa dùng"}
	inv.Lines = []einvoice.Line{{Nature: einvoice.NatureGoods, Name: "Máy chủ ảo vServer 2 vCPU / 4 GB", Quantity: dec("-1"),
		UnitPrice: amt(t, "120667 VND"), Discount: amt(t, "0 VND"), Amount: amt(t, "-120667 VND"), VAT: einvoice.VAT10, Tax: amt(t, "-12067 VND")}}
	require.NoError(t, inv.Check())
	return inv
}

func eText(t *testing.T, inv einvoice.Invoice, st document.EInvoiceStatus) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, newRenderer(t).EInvoicePDF(&buf, inv, st))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	return strings.Join(strings.Fields(testenv.PDFText(t, buf.Bytes())), " ")
}

func TestEInvoicePDFShowsEveryLegalField(t *testing.T) {
	inv := twoRateEInvoice(t)
	totals, err := inv.Totals()
	require.NoError(t, err)
	require.Equal(t, "Một triệu một trăm năm mươi bốn nghìn hai trăm đồng", totals.InWords)
	text := eText(t, inv, document.EInvoiceStatus{LookupCode: "MX7K2Q9P", AuthorityCode: "00A1B2C3D4E5F60718293A4B5C6D7E8F90",
		SignedBy: "CÔNG TY TNHH MÂY XANH VIỆT NAM", SignedAt: time.Date(2026, 4, 5, 9, 1, 0, 0, hcm)})
	for _, s := range []string{
		"HÓA ĐƠN GIÁ TRỊ GIA TĂNG", "Ngày 05 tháng 04 năm 2026",
		"Mẫu số (Form)", "Ký hiệu (Serial)", "1C26TAA", "Số (No.)", "00000001",
		"Công ty TNHH Mây Xanh Việt Nam", "0312345678", "028 3822 0000", "0071001234567 – Vietcombank",
		"Nguyễn Văn An", "Công ty TNHH Minh Anh", "0301234567", "45 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
		"Hình thức thanh toán (Payment method)", "TM/CK", "Đồng tiền thanh toán (Currency)", "VND",
		"STT", "ĐVT", "Đơn giá", "Chiết khấu", "Thành tiền", "Thuế suất", "Tiền thuế",
		"tháng", "181.000", "362.000", "36.200", "750.000", "50.000", "700.000", "56.000",
		"Tổng tiền hàng chịu thuế suất 10% 362.000", "Tiền thuế GTGT 10% 36.200",
		"Tổng tiền hàng chịu thuế suất 8% 700.000", "Tiền thuế GTGT 8% 56.000",
		"Cộng tiền hàng (Total before VAT) 1.062.000", "Tiền thuế GTGT (VAT amount) 92.200",
		"Tổng tiền thanh toán (Total payment) 1.154.200",
		"Số tiền viết bằng chữ (Amount in words): Một triệu một trăm năm mươi bốn nghìn hai trăm đồng",
		"Người mua hàng (Buyer)", "Người bán hàng (Seller)", "Ký bởi (Signed by): CÔNG TY TNHH MÂY XANH VIỆT NAM",
		"Ký ngày (Signing date): 05/04/2026", "00A1B2C3D4E5F60718293A4B5C6D7E8F90", "Mã tra cứu (Lookup code)", "MX7K2Q9P",
	} {
		assert.Contains(t, text, s)
	}
	assert.NotContains(t, text, "Tỷ giá", "a VND invoice has no exchange rate")
	assert.NotContains(t, text, "Điều chỉnh cho", "an original invoice refers to none")
}

func TestEInvoicePDFOfAnAdjustmentNamesTheOriginal(t *testing.T) {
	text := eText(t, adjustment(t), document.EInvoiceStatus{})
	for _, s := range []string{
		"(Hóa đơn điều chỉnh – Adjustment invoice)", "00000002", "Ngày 25 tháng 04 năm 2026",
		"Điều chỉnh cho hóa đơn Mẫu số 1, Ký hiệu 1C26TAA, Số 00000001, ngày 05/04/2026. Điều chỉnh giảm do hoàn tiền thời gian chưa dùng",
		"-120.667", "-12.067", "Tổng tiền thanh toán (Total payment) -132.734", "Âm một trăm ba mươi hai nghìn bảy trăm ba mươi bốn đồng",
	} {
		assert.Contains(t, text, s)
	}
	assert.NotContains(t, text, "Mã tra cứu", "no lookup code before the invoice is accepted")
}

func TestEInvoicePDFInAnotherCurrencyShowsTheRate(t *testing.T) {
	inv := twoRateEInvoice(t)
	inv.Currency, inv.ExchangeRate = "USD", dec("25450")
	inv.Lines = inv.Lines[:1]
	inv.Lines[0].UnitPrice, inv.Lines[0].Discount, inv.Lines[0].Amount, inv.Lines[0].Tax =
		amt(t, "7.25 USD"), amt(t, "0 USD"), amt(t, "14.50 USD"), amt(t, "1.45 USD")
	text := eText(t, inv, document.EInvoiceStatus{})
	for _, s := range []string{"Đồng tiền thanh toán (Currency)", "USD", "Tỷ giá (Exchange rate)", "25.450 VND/USD", "7,25", "14,50", "15,95",
		"Mười lăm đô la Mỹ và chín mươi lăm xu"} {
		assert.Contains(t, text, s)
	}
}

func TestEInvoicePDFRefusesABrokenInvoice(t *testing.T) {
	inv := twoRateEInvoice(t)
	inv.Lines[0].Amount = amt(t, "1 VND")
	var buf bytes.Buffer
	err := newRenderer(t).EInvoicePDF(&buf, inv, document.EInvoiceStatus{})
	require.ErrorIs(t, err, document.ErrInvalidOptions)
	require.ErrorIs(t, err, einvoice.ErrInvoice)
	assert.Zero(t, buf.Len())
	err = newRenderer(t).EInvoicePDF(&buf, twoRateEInvoice(t), document.EInvoiceStatus{LookupCode: "A\x00B"})
	require.ErrorIs(t, err, document.ErrInvalidOptions)
}

func TestEInvoicePDFIsDeterministic(t *testing.T) {
	r := newRenderer(t)
	var a, b bytes.Buffer
	require.NoError(t, r.EInvoicePDF(&a, twoRateEInvoice(t), document.EInvoiceStatus{LookupCode: "X"}))
	require.NoError(t, r.EInvoicePDF(&b, twoRateEInvoice(t), document.EInvoiceStatus{LookupCode: "X"}))
	assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()))
	assert.Contains(t, a.String(), "(D:20260405020000)", "the PDF's date is the date of issue")
}
