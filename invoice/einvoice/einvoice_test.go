package einvoice_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

func vnd(t *testing.T, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// twoRateInvoice is the worked example: a month of a server at 10 % and
// storage at 8 % with a discount.
//
//	line 1: 1 tháng × 1,112,500 = 1,112,500, VAT 10 % = 111,250
//	line 2: 3 GB × 15,000 = 45,000 − 5,000 = 40,000, VAT 8 % = 3,200
//	before tax 1,152,500; VAT 114,450; to pay 1,266,950
func twoRateInvoice(t *testing.T) einvoice.Invoice {
	t.Helper()
	sym, err := einvoice.ParseSymbol("C26TAA")
	if err != nil {
		t.Fatal(err)
	}
	return einvoice.Invoice{
		Form: einvoice.FormVAT, Symbol: sym, Number: 42,
		Issued:        time.Date(2026, 12, 31, 18, 30, 0, 0, time.UTC), // 2027-01-01 01:30 in Hà Nội: refused below
		Zone:          "Asia/Ho_Chi_Minh",
		Currency:      "VND",
		ExchangeRate:  decimal.NewFromInt(1),
		PaymentMethod: "TM/CK",
		Seller: einvoice.Party{Name: "Công ty Cổ phần Điện toán Đám mây Việt", TaxCode: "0101234567",
			Address: "Số 1 Phố Huế, Hai Bà Trưng, Hà Nội", Phone: "024 3000 0000", Email: "hoadon@example.vn",
			BankAccount: "0011001234567", BankName: "Vietcombank"},
		Buyer: einvoice.Party{Name: "Công ty TNHH Phần mềm An Bình", TaxCode: "0312345678-001",
			Address: "12 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh", BuyerName: "Nguyễn Văn An", Email: "ketoan@example.com"},
		Lines: []einvoice.Line{
			{Nature: einvoice.NatureGoods, Code: "VS-4", Name: "Máy chủ ảo vServer 4 vCPU, tháng 12/2026", Unit: "tháng",
				Quantity: decimal.NewFromInt(1), UnitPrice: vnd(t, 1_112_500), Discount: vnd(t, 0), Amount: vnd(t, 1_112_500),
				VAT: einvoice.VAT10, Tax: vnd(t, 111_250)},
			{Nature: einvoice.NatureGoods, Code: "ST-GB", Name: "Lưu trữ đối tượng", Unit: "GB",
				Quantity: decimal.NewFromInt(3), UnitPrice: vnd(t, 15_000), Discount: vnd(t, 5_000), Amount: vnd(t, 40_000),
				VAT: einvoice.VAT8, Tax: vnd(t, 3_200)},
		},
	}
}

func testSigner(t *testing.T) einvoice.Signer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Công ty Cổ phần Điện toán Đám mây Việt", SerialNumber: "MST:0101234567"},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return einvoice.Signer{Key: key, Certificate: cert}
}

func TestTotalsPerRateAndInWords(t *testing.T) {
	inv := twoRateInvoice(t)
	if _, err := inv.Totals(); !errors.Is(err, einvoice.ErrInvoice) || !strings.Contains(err.Error(), "issued in 2027") {
		t.Fatalf("a 2026 symbol on an invoice issued on 2027-01-01 in Hà Nội: %v", err)
	}
	inv.Issued = time.Date(2026, 12, 31, 16, 59, 0, 0, time.UTC) // 23:59 in Hà Nội
	tot, err := inv.Totals()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		rate        einvoice.VATRate
		amount, tax int64
	}{{einvoice.VAT10, 1_112_500, 111_250}, {einvoice.VAT8, 40_000, 3_200}}
	if len(tot.ByRate) != len(want) {
		t.Fatalf("per rate: %+v", tot.ByRate)
	}
	for i, w := range want {
		got := tot.ByRate[i]
		if got.Rate != w.rate || !got.Amount.Equal(vnd(t, w.amount)) || !got.Tax.Equal(vnd(t, w.tax)) {
			t.Errorf("rate %d: %s %s %s, want %s %d %d", i, got.Rate, got.Amount.Number(), got.Tax.Number(), w.rate, w.amount, w.tax)
		}
	}
	if !tot.BeforeTax.Equal(vnd(t, 1_152_500)) || !tot.Tax.Equal(vnd(t, 114_450)) || !tot.Payable.Equal(vnd(t, 1_266_950)) {
		t.Errorf("totals %s + %s = %s, want 1152500 + 114450 = 1266950", tot.BeforeTax.Number(), tot.Tax.Number(), tot.Payable.Number())
	}
	if tot.InWords != "Một triệu hai trăm sáu mươi sáu nghìn chín trăm năm mươi đồng" {
		t.Errorf("in words: %q", tot.InWords)
	}
}

func TestSignedXMLVerifiesAndAnyChangeBreaksIt(t *testing.T) {
	inv := twoRateInvoice(t)
	inv.Issued = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	s := testSigner(t)
	signed, err := inv.SignedXML(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := einvoice.Verify(signed)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, signed)
	}
	if !got.Certificate.Equal(s.Certificate) {
		t.Error("verified with another certificate")
	}
	again, err := inv.SignedXML(s)
	if err != nil || !bytes.Equal(again, signed) {
		t.Errorf("signing the same invoice twice gave other bytes (%v)", err)
	}
	for _, field := range []string{"<SHDon>42</SHDon>", "<KHHDon>C26TAA</KHHDon>", "<MST>0312345678-001</MST>", "<TgTTTBSo>1266950</TgTTTBSo>", "<ThTien>40000</ThTien>", "<TSuat>8%</TSuat>"} {
		if !bytes.Contains(signed, []byte(field)) {
			t.Fatalf("the XML has no %s:\n%s", field, signed)
		}
	}
	for _, change := range [][2]string{
		{"<TgTTTBSo>1266950</TgTTTBSo>", "<TgTTTBSo>1266951</TgTTTBSo>"},
		{"<ThTien>40000</ThTien>", "<ThTien>40001</ThTien>"},
		{"<SHDon>42</SHDon>", "<SHDon>43</SHDon>"},
		{"<MST>0312345678-001</MST>", "<MST>0312345678-002</MST>"},
		{"Lưu trữ đối tượng", "Lưu trữ khối"},
	} {
		tampered := bytes.Replace(signed, []byte(change[0]), []byte(change[1]), 1)
		if _, err := einvoice.Verify(tampered); !errors.Is(err, einvoice.ErrSignature) {
			t.Errorf("changing %s to %s: %v, want ErrSignature", change[0], change[1], err)
		}
	}
	other := testSigner(t)
	if _, err := inv.SignedXML(einvoice.Signer{Key: s.Key, Certificate: other.Certificate}); !errors.Is(err, einvoice.ErrSigner) {
		t.Errorf("a certificate of another key: %v, want ErrSigner", err)
	}
}

func TestXMLFollowsTheAuthorityLayout(t *testing.T) {
	inv := twoRateInvoice(t)
	inv.Issued = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	doc, err := inv.XML()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/HDon/DLHDon/TTChung/PBan":                            einvoice.FormatVersion,
		"/HDon/DLHDon/TTChung/THDon":                           "Hóa đơn giá trị gia tăng",
		"/HDon/DLHDon/TTChung/KHMSHDon":                        "1",
		"/HDon/DLHDon/TTChung/KHHDon":                          "C26TAA",
		"/HDon/DLHDon/TTChung/SHDon":                           "42",
		"/HDon/DLHDon/TTChung/NLap":                            "2026-12-07",
		"/HDon/DLHDon/TTChung/DVTTe":                           "VND",
		"/HDon/DLHDon/TTChung/TGia":                            "1",
		"/HDon/DLHDon/NDHDon/NBan/MST":                         "0101234567",
		"/HDon/DLHDon/NDHDon/NMua/HVTNMHang":                   "Nguyễn Văn An",
		"/HDon/DLHDon/NDHDon/DSHHDVu/HHDVu[2]/DVTinh":          "GB",
		"/HDon/DLHDon/NDHDon/DSHHDVu/HHDVu[2]/STCKhau":         "5000",
		"/HDon/DLHDon/NDHDon/TToan/THTTLTSuat/LTSuat[1]/TSuat": "10%",
		"/HDon/DLHDon/NDHDon/TToan/THTTLTSuat/LTSuat[2]/TThue": "3200",
		"/HDon/DLHDon/NDHDon/TToan/TgTCThue":                   "1152500",
		"/HDon/DLHDon/NDHDon/TToan/TgTThue":                    "114450",
		"/HDon/DLHDon/NDHDon/TToan/TgTTTBChu":                  "Một triệu hai trăm sáu mươi sáu nghìn chín trăm năm mươi đồng",
	} {
		el := doc.FindElement(path)
		if el == nil || el.Text() != want {
			got := "<missing>"
			if el != nil {
				got = el.Text()
			}
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if doc.FindElement("/HDon/DSCKS/NBan") == nil {
		t.Error("no DSCKS/NBan for the seller's signature")
	}
}

func TestAdjustmentInvoiceReferencesTheOriginal(t *testing.T) {
	orig := twoRateInvoice(t)
	orig.Issued = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	adj := orig
	adj.Number = 57
	adj.Issued = time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC)
	adj.Related = &einvoice.Related{Kind: einvoice.Adjusts, Form: orig.Form, Symbol: orig.Symbol, Number: orig.Number,
		Issued: orig.Issued, Note: "Điều chỉnh giảm do hoàn tiền thời gian chưa sử dụng"}
	adj.Lines = []einvoice.Line{{Nature: einvoice.NatureGoods, Name: "Điều chỉnh giảm: máy chủ ảo vServer 4 vCPU", Unit: "tháng",
		Quantity: decimal.NewFromInt(-1), UnitPrice: vnd(t, 100_000), Discount: vnd(t, 0), Amount: vnd(t, -100_000),
		VAT: einvoice.VAT10, Tax: vnd(t, -10_000)}}
	tot, err := adj.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if !tot.Payable.Equal(vnd(t, -110_000)) || tot.InWords != "Âm một trăm mười nghìn đồng" {
		t.Errorf("adjustment: %s %q", tot.Payable.Number(), tot.InWords)
	}
	doc, err := adj.XML()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/HDon/DLHDon/TTChung/TTHDLQuan/TCHDon":       "2",
		"/HDon/DLHDon/TTChung/TTHDLQuan/KHMSHDCLQuan": "1",
		"/HDon/DLHDon/TTChung/TTHDLQuan/KHHDCLQuan":   "C26TAA",
		"/HDon/DLHDon/TTChung/TTHDLQuan/SHDCLQuan":    "42",
		"/HDon/DLHDon/TTChung/TTHDLQuan/NLHDCLQuan":   "2026-12-07",
	} {
		if el := doc.FindElement(path); el == nil || el.Text() != want {
			t.Errorf("%s: want %q", path, want)
		}
	}
	// The same negative line on an ordinary invoice is refused.
	plain := adj
	plain.Related = nil
	if _, err := plain.Totals(); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("a negative line without an adjustment: %v, want ErrInvoice", err)
	}
}

func TestCheckRefusesWhatCannotBeWritten(t *testing.T) {
	base := twoRateInvoice(t)
	base.Issued = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	cases := map[string]func(*einvoice.Invoice){
		"number 0":             func(i *einvoice.Invoice) { i.Number = 0 },
		"number of 9 digits":   func(i *einvoice.Invoice) { i.Number = 100_000_000 },
		"seller without tax":   func(i *einvoice.Invoice) { i.Seller.TaxCode = "" },
		"tax code of 9 digits": func(i *einvoice.Invoice) { i.Buyer.TaxCode = "012345678" },
		"unknown VAT":          func(i *einvoice.Invoice) { i.Lines[0].VAT = "7%" },
		"wrong arithmetic":     func(i *einvoice.Invoice) { i.Lines[1].Amount = vnd(t, 40_001) },
		"tax on untaxed line":  func(i *einvoice.Invoice) { i.Lines[0].VAT = einvoice.VATNotTaxable },
		"other currency line":  func(i *einvoice.Invoice) { i.Lines[0].Tax, _ = money.FromMinor(1, "USD") },
		"no lines":             func(i *einvoice.Invoice) { i.Lines = nil },
		"control character":    func(i *einvoice.Invoice) { i.Buyer.Name = "An\x00Bình" },
		"exchange rate of VND": func(i *einvoice.Invoice) { i.ExchangeRate = decimal.NewFromInt(2) },
		"unknown zone":         func(i *einvoice.Invoice) { i.Zone = "Mars/Olympus" },
		"no payment method":    func(i *einvoice.Invoice) { i.PaymentMethod = "" },
		"form 3":               func(i *einvoice.Invoice) { i.Form = 3 },
	}
	for name, change := range cases {
		inv := base
		inv.Lines = append([]einvoice.Line(nil), base.Lines...)
		change(&inv)
		if _, err := inv.XML(); !errors.Is(err, einvoice.ErrInvoice) {
			t.Errorf("%s: %v, want ErrInvoice", name, err)
		}
	}
}

func TestSymbols(t *testing.T) {
	for _, s := range []string{"C26TAA", "K27MZZ", "C00TAB"} {
		sym, err := einvoice.ParseSymbol(s)
		if err != nil || sym.String() != s {
			t.Errorf("%s: %+v %v", s, sym, err)
		}
	}
	for _, s := range []string{"", "X26TAA", "C2XTAA", "C26QAA", "C26Taa", "C26TAA1", "C26TÀA"} {
		if _, err := einvoice.ParseSymbol(s); !errors.Is(err, einvoice.ErrSymbol) {
			t.Errorf("%q: %v, want ErrSymbol", s, err)
		}
	}
	sym, _ := einvoice.ParseSymbol("C26TAA")
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	next, err := sym.ForYear(time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), hcm)
	if err != nil || next.String() != "C27TAA" {
		t.Errorf("00:30 on 1 January in Hà Nội is the 2027 series: %v %v", next, err)
	}
	if einvoice.SeriesKey(einvoice.FormVAT, next) != "1C27TAA" {
		t.Errorf("series key %q", einvoice.SeriesKey(einvoice.FormVAT, next))
	}
	for n, want := range map[int64]string{1: "00000001", 42: "00000042", einvoice.MaxNumber: "99999999"} {
		if got, err := einvoice.FormatNumber(n); err != nil || got != want {
			t.Errorf("FormatNumber(%d) = %q, %v", n, got, err)
		}
	}
	if _, err := einvoice.FormatNumber(einvoice.MaxNumber + 1); !errors.Is(err, einvoice.ErrSymbol) {
		t.Errorf("a ninth digit: %v", err)
	}
}
