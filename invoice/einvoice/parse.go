package einvoice

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// ParseXML reads an e-invoice written by XML or SignedXML back into an
// Invoice, for a view of the legal invoice (a PDF) that states exactly
// what its XML does. The XML gives the date of issue only; Issued is its
// midnight in zone, the seller's time zone. The totals it states (TToan)
// must be the lines' (Totals): an XML whose stated totals differ is
// refused. ParseXML does not check the signature (Verify does). Errors:
// an *InvoiceError naming the element.
func ParseXML(b []byte, zone string) (Invoice, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return Invoice{}, fieldErr("zone", fmt.Sprintf("%q is not a time zone", clip(zone)))
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return Invoice{}, fieldErr("xml", "is not XML: "+err.Error())
	}
	data := doc.FindElement("/HDon/DLHDon")
	if data == nil {
		return Invoice{}, fieldErr("HDon/DLHDon", "is missing")
	}
	p := parser{root: data}
	inv := Invoice{Zone: zone}
	inv.Form = Form(p.int("TTChung/KHMSHDon"))
	inv.Symbol = p.symbol("TTChung/KHHDon")
	inv.Number = p.int("TTChung/SHDon")
	inv.Issued = p.date("TTChung/NLap", loc)
	inv.Currency = p.text("TTChung/DVTTe", true)
	inv.ExchangeRate = p.decimal("TTChung/TGia")
	inv.PaymentMethod = p.text("TTChung/HTTToan", false)
	if rel := data.FindElement("TTChung/TTHDLQuan"); rel != nil {
		inv.Related = &Related{Kind: RelationKind(p.int("TTChung/TTHDLQuan/TCHDon")), Form: Form(p.int("TTChung/TTHDLQuan/KHMSHDCLQuan")),
			Symbol: p.symbol("TTChung/TTHDLQuan/KHHDCLQuan"), Number: p.int("TTChung/TTHDLQuan/SHDCLQuan"),
			Issued: p.date("TTChung/TTHDLQuan/NLHDCLQuan", loc), Note: p.text("TTChung/TTHDLQuan/GChu", false)}
	}
	inv.Seller = Party{Name: p.text("NDHDon/NBan/Ten", true), TaxCode: p.text("NDHDon/NBan/MST", false), Address: p.text("NDHDon/NBan/DChi", false),
		Phone: p.text("NDHDon/NBan/SDThoai", false), Email: p.text("NDHDon/NBan/DCTDTu", false),
		BankAccount: p.text("NDHDon/NBan/STKNHang", false), BankName: p.text("NDHDon/NBan/TNHang", false)}
	inv.Buyer = Party{Name: p.text("NDHDon/NMua/Ten", false), TaxCode: p.text("NDHDon/NMua/MST", false), Address: p.text("NDHDon/NMua/DChi", false),
		BuyerName: p.text("NDHDon/NMua/HVTNMHang", false), Email: p.text("NDHDon/NMua/DCTDTu", false), Phone: p.text("NDHDon/NMua/SDThoai", false)}
	for i, el := range data.FindElements("NDHDon/DSHHDVu/HHDVu") {
		lp := parser{root: el, prefix: fmt.Sprintf("NDHDon/DSHHDVu/HHDVu[%d]/", i+1), currency: inv.Currency}
		l := Line{Nature: Nature(lp.int("TChat")), Code: lp.text("MHHDVu", false), Name: lp.text("THHDVu", true)}
		if l.Nature != NatureNote {
			l.Unit = lp.text("DVTinh", false)
			l.Quantity = lp.decimal("SLuong")
			l.UnitPrice = lp.money("DGia", true)
			l.Discount = lp.money("STCKhau", false)
			l.Amount = lp.money("ThTien", true)
			l.VAT = VATRate(lp.text("TSuat", true))
			l.Tax = lp.money("TThue", false)
		}
		if lp.err != nil {
			return Invoice{}, lp.err
		}
		inv.Lines = append(inv.Lines, l)
	}
	p.currency = inv.Currency
	stated := p.money("NDHDon/TToan/TgTTTBSo", true)
	if p.err != nil {
		return Invoice{}, p.err
	}
	tot, err := inv.Totals()
	if err != nil {
		return Invoice{}, err
	}
	if !tot.Payable.Equal(stated) {
		return Invoice{}, fieldErr("NDHDon/TToan/TgTTTBSo", fmt.Sprintf("states %s, the lines %s", stated.Number(), tot.Payable.Number()))
	}
	return inv, nil
}

// parser reads elements under root and keeps the first problem.
type parser struct {
	root     *etree.Element
	prefix   string
	currency string
	err      *InvoiceError
}

func (p *parser) fail(path, reason string) {
	if p.err == nil {
		p.err = fieldErr(p.prefix+path, reason)
	}
}

func (p *parser) text(path string, required bool) string {
	el := p.root.FindElement(path)
	if el == nil {
		if required {
			p.fail(path, "is missing")
		}
		return ""
	}
	return el.Text()
}

func (p *parser) int(path string) int64 {
	s := p.text(path, true)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil && s != "" {
		p.fail(path, "is not a whole number")
	}
	return n
}

func (p *parser) decimal(path string) decimal.Decimal {
	s := p.text(path, true)
	d, err := decimal.NewFromString(s)
	if err != nil && s != "" {
		p.fail(path, "is not a number")
	}
	return d
}

func (p *parser) money(path string, required bool) money.Amount {
	s := p.text(path, required)
	if s == "" {
		z, err := money.Zero(p.currency)
		if err != nil {
			p.fail(path, err.Error())
		}
		return z
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		p.fail(path, "is not a number")
		return money.Amount{}
	}
	a, err := money.FromDecimal(d, p.currency)
	if err != nil {
		p.fail(path, err.Error())
	}
	return a
}

func (p *parser) symbol(path string) Symbol {
	s, err := ParseSymbol(p.text(path, true))
	if err != nil && p.err == nil {
		p.fail(path, err.Error())
	}
	return s
}

func (p *parser) date(path string, loc *time.Location) time.Time {
	s := p.text(path, true)
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil && s != "" {
		p.fail(path, "is not a date (YYYY-MM-DD)")
	}
	return d
}
