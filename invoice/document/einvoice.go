package document

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// EInvoiceStatus is what an e-invoice's view shows besides the invoice
// itself: what happened to it after it was signed. Every field is
// optional; an empty one is left off the view.
type EInvoiceStatus struct {
	// LookupCode is the code the buyer looks the invoice up with on the
	// provider's site (mã tra cứu), once the invoice is accepted.
	LookupCode string
	// LookupURL is where the lookup code is used ("https://…").
	LookupURL string
	// AuthorityCode is the code the tax authority gave the invoice (mã
	// của cơ quan thuế, MCCQT) for a symbol beginning with C.
	AuthorityCode string
	// SignedBy is the seller's signer as the certificate names it (ký
	// bởi), and SignedAt when it signed (ký ngày).
	SignedBy string
	SignedAt time.Time
}

// EInvoicePDF writes the view of a Vietnamese e-invoice as an A4 PDF to w:
// the human-readable copy of the signed XML, which is the invoice. It is
// in Vietnamese, as the law requires, with English in brackets after each
// label ("Ký hiệu (Serial)"), and shows every field of Decree 123/2020/NĐ-CP
// Article 10 and Circular 78/2021/TT-BTC: the title (HÓA ĐƠN GIÁ TRỊ GIA
// TĂNG, or HÓA ĐƠN BÁN HÀNG for form 2), the form number (Mẫu số), the
// symbol with its form (Ký hiệu 1C26TAA) and the 8-digit number (Số
// 00000001), the date of issue in the seller's zone ("Ngày 05 tháng 04 năm
// 2026"), the seller (name, tax code, address, phone, bank account), the
// buyer (buyer's name, company, tax code, address), the payment method,
// the currency and its exchange rate when it is not VND, the lines (STT,
// name, unit, quantity, unit price, discount, amount, VAT rate and VAT),
// the totals per VAT rate, the total before VAT, the VAT and the total to
// pay, the total in words, the signature block, the tax authority's code,
// the lookup code, and for an adjustment or a replacement the invoice it
// refers to (form, symbol, number, date). Amounts are the invoice's own,
// grouped the Vietnamese way ("1.112.500"); an adjustment's decreases
// print negative. The output is deterministic: its dates are the date of
// issue. Errors: an error matching ErrInvalidOptions for an invoice that
// does not pass einvoice's Check (wrapping its *InvoiceError) or status
// text that is not printable; ErrRender when the PDF library or w fails.
func (r *Renderer) EInvoicePDF(w io.Writer, inv einvoice.Invoice, st EInvoiceStatus) error {
	ev, err := buildEInvoiceView(inv, st)
	if err != nil {
		return err
	}
	// The page furniture (metadata, footer) takes a View: the e-invoice's
	// title, number, seller and date of issue.
	meta := View{Lang: "vi", Title: ev.title, Number: ev.serial + " " + ev.number, Seller: PartyView{Name: inv.Seller.Name},
		Labels: Labels{Page: "Trang"}, Invoice: invoice.Invoice{IssuedAt: inv.Issued}}
	return r.safePDF(w, func(p *pdfDoc) { p.einvoice(ev) }, &meta)
}

// eView is an e-invoice with every value formatted for the page.
type eView struct {
	title, subtitle, date       string
	form, serial, number        string
	related                     string
	seller, buyer, terms, codes []Field
	lines                       [][9]string
	totals                      []Field
	words                       string
	signedBy, signedAt          string
	lookup                      []Field
}

// buildEInvoiceView checks inv and st and formats the view.
func buildEInvoiceView(inv einvoice.Invoice, st EInvoiceStatus) (eView, error) {
	totals, err := inv.Totals()
	if err != nil {
		return eView{}, fmt.Errorf("%w: e-invoice: %w", ErrInvalidOptions, err)
	}
	for _, f := range []struct{ name, v string }{{"LookupCode", st.LookupCode}, {"LookupURL", st.LookupURL},
		{"AuthorityCode", st.AuthorityCode}, {"SignedBy", st.SignedBy}} {
		if err := checkText(f.name, f.v, false); err != nil {
			return eView{}, err
		}
	}
	loc, err := time.LoadLocation(inv.Zone) // Totals checked the zone
	if err != nil {
		return eView{}, fmt.Errorf("%w: e-invoice zone: %w", ErrInvalidOptions, err)
	}
	number, _ := einvoice.FormatNumber(inv.Number) // checked
	issued := inv.Issued.In(loc)
	v := eView{
		title: "HÓA ĐƠN GIÁ TRỊ GIA TĂNG", form: strconv.Itoa(int(inv.Form)),
		serial: einvoice.SeriesKey(inv.Form, inv.Symbol), number: number,
		date: fmt.Sprintf("Ngày %02d tháng %02d năm %d", issued.Day(), int(issued.Month()), issued.Year()),
	}
	if inv.Form == einvoice.FormSales {
		v.title = "HÓA ĐƠN BÁN HÀNG"
	}
	if rel := inv.Related; rel != nil {
		relNumber, _ := einvoice.FormatNumber(rel.Number) // checked
		what, sub := "Điều chỉnh cho hóa đơn", "(Hóa đơn điều chỉnh – Adjustment invoice)"
		if rel.Kind == einvoice.Replaces {
			what, sub = "Thay thế cho hóa đơn", "(Hóa đơn thay thế – Replacement invoice)"
		}
		v.subtitle = sub
		v.related = fmt.Sprintf("%s Mẫu số %d, Ký hiệu %s, Số %s, ngày %s", what, rel.Form,
			einvoice.SeriesKey(rel.Form, rel.Symbol), relNumber, rel.Issued.In(loc).Format("02/01/2006"))
		if rel.Note != "" {
			v.related += ". " + nfc(rel.Note)
		}
	}
	add := func(fs *[]Field, label, value string) {
		if value = strings.TrimSpace(value); value != "" {
			*fs = append(*fs, Field{Label: label, Value: nfc(value)})
		}
	}
	s := inv.Seller
	v.seller = []Field{{Label: "Đơn vị bán hàng (Seller)", Value: nfc(s.Name), Strong: true}}
	add(&v.seller, "Mã số thuế (Tax code)", s.TaxCode)
	add(&v.seller, "Địa chỉ (Address)", s.Address)
	add(&v.seller, "Điện thoại (Tel)", s.Phone)
	add(&v.seller, "Số tài khoản (Account No.)", joinNonEmpty(" – ", s.BankAccount, s.BankName))
	b := inv.Buyer
	add(&v.buyer, "Họ tên người mua hàng (Buyer)", b.BuyerName)
	add(&v.buyer, "Tên đơn vị (Company)", b.Name)
	add(&v.buyer, "Mã số thuế (Tax code)", b.TaxCode)
	add(&v.buyer, "Địa chỉ (Address)", b.Address)
	add(&v.terms, "Hình thức thanh toán (Payment method)", inv.PaymentMethod)
	add(&v.terms, "Đồng tiền thanh toán (Currency)", inv.Currency)
	if inv.Currency != "VND" {
		rate, _ := FormatDecimal(inv.ExchangeRate, ViVN)
		add(&v.terms, "Tỷ giá (Exchange rate)", rate+" VND/"+inv.Currency)
	}
	add(&v.codes, "Mã của cơ quan thuế (Tax authority's code)", st.AuthorityCode)
	for i, l := range inv.Lines {
		row := [9]string{strconv.Itoa(i + 1), nfc(l.Name)}
		if l.Nature != einvoice.NatureNote {
			qty, _ := FormatDecimal(l.Quantity, ViVN)
			row[2], row[3], row[4] = nfc(unitName(l.Unit, ViVN)), qty, plainAmount(l.UnitPrice)
			if !l.Discount.IsZero() {
				row[5] = plainAmount(l.Discount)
			}
			row[6], row[7] = plainAmount(l.Amount), string(l.VAT)
			if _, taxed := l.VAT.Percent(); taxed {
				row[8] = plainAmount(l.Tax)
			}
		}
		v.lines = append(v.lines, row)
	}
	for _, rt := range totals.ByRate {
		label := "Tổng tiền hàng chịu thuế suất " + string(rt.Rate)
		switch rt.Rate {
		case einvoice.VATNotTaxable:
			label = "Tổng tiền hàng không chịu thuế GTGT (KCT)"
		case einvoice.VATNotDeclared:
			label = "Tổng tiền hàng không kê khai, tính nộp thuế GTGT (KKKNT)"
		}
		v.totals = append(v.totals, Field{Label: label, Value: plainAmount(rt.Amount)})
		if _, taxed := rt.Rate.Percent(); taxed {
			v.totals = append(v.totals, Field{Label: "Tiền thuế GTGT " + string(rt.Rate), Value: plainAmount(rt.Tax)})
		}
	}
	if !totals.TradeDiscount.IsZero() {
		v.totals = append(v.totals, Field{Label: "Chiết khấu thương mại (Trade discount)", Value: plainAmount(totals.TradeDiscount)})
	}
	v.totals = append(v.totals,
		Field{Label: "Cộng tiền hàng (Total before VAT)", Value: plainAmount(totals.BeforeTax)},
		Field{Label: "Tiền thuế GTGT (VAT amount)", Value: plainAmount(totals.Tax)},
		Field{Label: "Tổng tiền thanh toán (Total payment)", Value: plainAmount(totals.Payable), Strong: true})
	v.words = totals.InWords
	v.signedBy = nfc(st.SignedBy)
	if !st.SignedAt.IsZero() {
		v.signedAt = st.SignedAt.In(loc).Format("02/01/2006")
	}
	add(&v.lookup, "Mã tra cứu (Lookup code)", st.LookupCode)
	add(&v.lookup, "Tra cứu tại (Look up at)", st.LookupURL)
	return v, nil
}

// plainAmount writes an e-invoice amount as its table does: the exact
// number with Vietnamese grouping and no currency sign ("1.112.500",
// "-120.667", "1.234,50").
func plainAmount(a money.Amount) string {
	number, _, _ := strings.Cut(a.String(), " ")
	sign := ""
	if strings.HasPrefix(number, "-") {
		sign, number = "-", number[1:]
	}
	return sign + groupNumber(number, ViVN.style())
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// eColumns are the columns of the e-invoice's lines table: STT, name, unit,
// quantity, unit price, discount, amount, VAT rate, VAT. Widths sum to
// bodyW.
func eColumns() [9]tableCol {
	return [...]tableCol{{8, "C"}, {50, "L"}, {14, "C"}, {15, "R"}, {22, "R"}, {18, "R"}, {23, "R"}, {12, "C"}, {18, "R"}}
}

// einvoice lays out the e-invoice view.
func (p *pdfDoc) einvoice(v eView) {
	f := p.f
	// The bilingual labels' column: "Hình thức thanh toán (Payment
	// method)" fits at 8.5 pt.
	const labelW = 62.0
	f.AddPage()
	center := func(s string, bold bool, size, h float64) {
		for _, line := range p.wrapWith(s, bodyW, bold, size) {
			p.font(bold, size, colText)
			f.SetX(margin)
			f.CellFormat(bodyW, h, line, "", 1, "C", false, 0, "")
		}
	}
	center(v.title, true, 15, 7)
	if v.subtitle != "" {
		center(v.subtitle, false, 9, 4.5)
	}
	center(v.date, false, 9.5, 5)
	f.Ln(1)
	y := f.GetY()
	ids := []Field{{Label: "Mẫu số (Form)", Value: v.form}, {Label: "Ký hiệu (Serial)", Value: v.serial, Strong: true},
		{Label: "Số (No.)", Value: v.number, Strong: true}}
	f.SetY(p.fieldsWith(margin+bodyW*0.62, y, bodyW*0.38, 30, ids) + 1)
	if len(v.codes) > 0 {
		f.SetY(p.fieldsWith(margin, f.GetY(), bodyW, labelW, v.codes) + 1)
	}
	rule := func() {
		f.SetDrawColor(colRule.parts())
		f.Line(margin, f.GetY(), margin+bodyW, f.GetY())
		f.Ln(1.5)
	}
	rule()
	f.SetY(p.fieldsWith(margin, f.GetY(), bodyW, labelW, v.seller) + 1)
	rule()
	f.SetY(p.fieldsWith(margin, f.GetY(), bodyW, labelW, append(append([]Field{}, v.buyer...), v.terms...)) + 1)
	if v.related != "" {
		rule()
		p.font(true, 8.5, colText)
		p.paragraph(v.related, bodyW, 4.4)
		f.Ln(1)
	}
	f.Ln(1)
	p.etable(v.lines)
	f.Ln(3)
	p.summary(v.totals)
	f.Ln(1)
	p.font(false, 9, colText)
	p.paragraph("Số tiền viết bằng chữ (Amount in words): "+v.words, bodyW, 4.6)
	f.Ln(5)
	p.signatures(v)
	if len(v.lookup) > 0 {
		f.Ln(3)
		f.SetY(p.fieldsWith(margin, f.GetY(), bodyW, labelW, v.lookup))
	}
}

// etable writes the e-invoice's lines, repeating the header on each page.
func (p *pdfDoc) etable(rows [][9]string) {
	f := p.f
	cols := eColumns()
	heads := [9]string{"STT", "Tên hàng hóa, dịch vụ", "ĐVT", "Số lượng", "Đơn giá", "Chiết khấu", "Thành tiền", "Thuế suất", "Tiền thuế"}
	header := func() {
		f.SetFillColor(colHead.parts())
		f.SetX(margin)
		for i, c := range cols {
			f.CellFormat(c.w, 6, p.fit(heads[i], c.w-1, true, 6.5, colText), "1", 0, "C", true, 0, "")
		}
		f.Ln(6)
	}
	p.onNewPage = header
	defer func() { p.onNewPage = nil }()
	p.ensure(6 + 8)
	header()
	const lh = 4.0
	for _, row := range rows {
		name := p.wrapWith(row[1], cols[1].w-1, false, 7.5)
		h := lh*float64(len(name)) + 1
		p.ensure(h)
		y := f.GetY()
		x := margin
		for i, c := range cols {
			f.SetXY(x, y)
			f.SetDrawColor(colRule.parts())
			if i == 1 {
				f.CellFormat(c.w, h, "", "1", 0, "L", false, 0, "")
				for j, line := range name {
					p.font(false, 7.5, colText)
					f.SetXY(x, y+0.5+lh*float64(j))
					f.CellFormat(c.w, lh, line, "", 0, "L", false, 0, "")
				}
			} else {
				f.CellFormat(c.w, h, p.fit(row[i], c.w-1, false, 7.5, colText), "1", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		f.SetXY(margin, y+h)
	}
}

// signatures writes the buyer's and the seller's signature blocks side by
// side; the seller's names the signer and the date when known.
func (p *pdfDoc) signatures(v eView) {
	f := p.f
	p.ensure(24)
	y := f.GetY()
	half := bodyW / 2
	block := func(x float64, title, sub string, lines []string) {
		f.SetXY(x, y)
		p.font(true, 9, colText)
		f.CellFormat(half, 5, pdfText(title), "", 2, "C", false, 0, "")
		f.SetX(x)
		p.font(false, 7.5, colMuted)
		f.CellFormat(half, 4, pdfText(sub), "", 2, "C", false, 0, "")
		for _, l := range lines {
			f.SetX(x)
			p.font(false, 8.5, colText)
			f.CellFormat(half, 4.5, pdfText(l), "", 2, "C", false, 0, "")
		}
	}
	block(margin, "Người mua hàng (Buyer)", "(Chữ ký số, nếu có – Digital signature, if any)", nil)
	var signed []string
	if v.signedBy != "" {
		signed = append(signed, "Ký bởi (Signed by): "+v.signedBy)
	}
	if v.signedAt != "" {
		signed = append(signed, "Ký ngày (Signing date): "+v.signedAt)
	}
	block(margin+half, "Người bán hàng (Seller)", "(Chữ ký số – Digital signature)", signed)
	f.SetY(max(f.GetY(), y+14) + 2)
}
