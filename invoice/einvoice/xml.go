package einvoice

import (
	"strconv"
	"time"

	"github.com/beevik/etree"

	"github.com/cloudbill/cloudbill/billing/money"
)

// FormatVersion is the version of the authority's XML format written
// (PBan).
const FormatVersion = "2.0.1"

// DataID is the Id of the signed element (DLHDon): the seller's signature
// references "#data".
const DataID = "data"

// formTitle is the invoice's name (THDon) per form.
func formTitle(f Form) string {
	if f == FormSales {
		return "Hóa đơn bán hàng"
	}
	return "Hóa đơn giá trị gia tăng"
}

// XML writes the invoice in the tax authority's format, unsigned:
//
//	HDon
//	  DLHDon Id="data"
//	    TTChung   general data: PBan, THDon, KHMSHDon, KHHDon, SHDon, NLap,
//	              DVTTe, TGia, HTTToan, and TTHDLQuan for an adjustment or
//	              a replacement
//	    NDHDon    content: NBan (seller), NMua (buyer), DSHHDVu (lines,
//	              each HHDVu), TToan (totals per rate, totals, in words)
//	  DSCKS
//	    NBan      the seller's signature goes here (Sign)
//
// It checks the invoice first (Check) and returns an *InvoiceError for
// anything it refuses.
func (inv Invoice) XML() (*etree.Document, error) {
	totals, err := inv.Totals()
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(inv.Zone)
	if err != nil {
		return nil, fieldErr("zone", err.Error())
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("HDon")
	data := root.CreateElement("DLHDon")
	data.CreateAttr("Id", DataID)

	general := data.CreateElement("TTChung")
	text(general, "PBan", FormatVersion)
	text(general, "THDon", formTitle(inv.Form))
	text(general, "KHMSHDon", strconv.Itoa(int(inv.Form)))
	text(general, "KHHDon", inv.Symbol.String())
	text(general, "SHDon", strconv.FormatInt(inv.Number, 10))
	text(general, "NLap", inv.Issued.In(loc).Format(time.DateOnly))
	text(general, "DVTTe", inv.Currency)
	text(general, "TGia", inv.ExchangeRate.String())
	text(general, "HTTToan", inv.PaymentMethod)
	if r := inv.Related; r != nil {
		rel := general.CreateElement("TTHDLQuan")
		text(rel, "TCHDon", strconv.Itoa(int(r.Kind)))
		// LHDCLQuan 1: the related invoice is an e-invoice under the
		// current regulation.
		text(rel, "LHDCLQuan", "1")
		text(rel, "KHMSHDCLQuan", strconv.Itoa(int(r.Form)))
		text(rel, "KHHDCLQuan", r.Symbol.String())
		text(rel, "SHDCLQuan", strconv.FormatInt(r.Number, 10))
		text(rel, "NLHDCLQuan", r.Issued.In(loc).Format(time.DateOnly))
		optional(rel, "GChu", r.Note)
	}

	content := data.CreateElement("NDHDon")
	seller := content.CreateElement("NBan")
	text(seller, "Ten", inv.Seller.Name)
	text(seller, "MST", inv.Seller.TaxCode)
	text(seller, "DChi", inv.Seller.Address)
	optional(seller, "SDThoai", inv.Seller.Phone)
	optional(seller, "DCTDTu", inv.Seller.Email)
	optional(seller, "STKNHang", inv.Seller.BankAccount)
	optional(seller, "TNHang", inv.Seller.BankName)
	buyer := content.CreateElement("NMua")
	optional(buyer, "Ten", inv.Buyer.Name)
	optional(buyer, "MST", inv.Buyer.TaxCode)
	optional(buyer, "DChi", inv.Buyer.Address)
	optional(buyer, "HVTNMHang", inv.Buyer.BuyerName)
	optional(buyer, "DCTDTu", inv.Buyer.Email)
	optional(buyer, "SDThoai", inv.Buyer.Phone)

	lines := content.CreateElement("DSHHDVu")
	for i, l := range inv.Lines {
		el := lines.CreateElement("HHDVu")
		text(el, "TChat", strconv.Itoa(int(l.Nature)))
		text(el, "STT", strconv.Itoa(i+1))
		optional(el, "MHHDVu", l.Code)
		text(el, "THHDVu", l.Name)
		if l.Nature == NatureNote {
			continue
		}
		optional(el, "DVTinh", l.Unit)
		text(el, "SLuong", l.Quantity.String())
		text(el, "DGia", unitPrice(l.UnitPrice))
		if !l.Discount.IsZero() {
			text(el, "STCKhau", amount(l.Discount))
		}
		text(el, "ThTien", amount(l.Amount))
		text(el, "TSuat", string(l.VAT))
		if _, taxed := l.VAT.Percent(); taxed {
			text(el, "TThue", amount(l.Tax))
		}
	}

	pay := content.CreateElement("TToan")
	perRate := pay.CreateElement("THTTLTSuat")
	for _, rt := range totals.ByRate {
		el := perRate.CreateElement("LTSuat")
		text(el, "TSuat", string(rt.Rate))
		text(el, "ThTien", amount(rt.Amount))
		text(el, "TThue", amount(rt.Tax))
	}
	text(pay, "TgTCThue", amount(totals.BeforeTax))
	text(pay, "TgTThue", amount(totals.Tax))
	if !totals.TradeDiscount.IsZero() {
		text(pay, "TTCKTMai", amount(totals.TradeDiscount))
	}
	text(pay, "TgTTTBSo", amount(totals.Payable))
	text(pay, "TgTTTBChu", totals.InWords)

	root.CreateElement("DSCKS").CreateElement("NBan")
	return doc, nil
}

// text adds a child element with a text.
func text(parent *etree.Element, tag, value string) {
	parent.CreateElement(tag).SetText(value)
}

// optional adds a child element unless value is empty.
func optional(parent *etree.Element, tag, value string) {
	if value != "" {
		text(parent, tag, value)
	}
}

// unitPrice writes a unit price with the places it has (at least the
// currency's): a pre-tax unit price may be finer than the minor unit.
func unitPrice(a money.Amount) string {
	return a.Number().StringFixed(max(a.Currency().Digits(), -a.Number().Exponent()))
}

// amount writes an amount as the format's decimal number: no grouping, a
// point before the minor digits, at most the currency's digits.
func amount(a money.Amount) string {
	return a.Number().StringFixed(a.Currency().Digits())
}
