package document

import "reflect"

// Labels are the words a document prints, for one language. Config.Labels
// replaces any of them per language; a field left empty keeps the built-in
// text.
type Labels struct {
	// InvoiceTitle and CreditNoteTitle head the document.
	InvoiceTitle, CreditNoteTitle string
	// The header: number, series, status, resource, and what a draft
	// shows instead of a number.
	Number, Series, Status, Resource, NotNumbered string
	// The dates: created, issued, due, paid, voided.
	Created, Issued, Due, PaidAt, VoidedAt string
	// The parties' headings, the tax id's label, and the labels of the
	// person who buys for a buyer organisation and of a bank account.
	Seller, Buyer, TaxID, BuyerName, BankAccount string
	// A credit note's corrected invoice and reason; an invoice's memo and
	// void reason.
	Corrects, Reason, Memo, VoidReason string
	// The note under the header: the time zone, and whether prices
	// include tax.
	TimesIn, PricesExclude, PricesInclude string
	// Page precedes the page number in the PDF's footer.
	Page string
	// The columns of the lines table, and the period's label.
	LineNo, Description, Period, Quantity, UnitPrice, Amount, Discount, TaxRate, Total string
	// The totals: subtotal, discounts, net, tax (and "on" before the
	// amount it is on), the invoice total and the credit note total.
	Subtotal, Discounts, Net, Tax, TaxOn, GrandTotal, CreditTotal string
	// What a line bills, shown under its description when the line says
	// so: the catalog's service, the item, the unit of its quantity and
	// the after-tax coupon. (The resource uses Resource, the discount rate
	// Discount.)
	Service, Item, Unit, Coupon string
	// The settlement of an invoice: paid, credited, outstanding.
	AmountPaid, AmountCredited, Outstanding string
	// The statuses as customers read them.
	StatusDraft, StatusUnpaid, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusVoid string
}

// builtinLabels returns the built-in labels of lang ("en" or "vi"); English
// for any other.
func builtinLabels(lang string) Labels {
	if lang == "vi" {
		return Labels{
			InvoiceTitle:        "Hóa đơn giá trị gia tăng",
			CreditNoteTitle:     "Hóa đơn điều chỉnh giảm",
			Number:              "Số",
			Series:              "Ký hiệu",
			Status:              "Trạng thái",
			Resource:            "Tài nguyên",
			Created:             "Ngày lập",
			Issued:              "Ngày phát hành",
			Due:                 "Hạn thanh toán",
			PaidAt:              "Ngày thanh toán",
			VoidedAt:            "Ngày hủy",
			NotNumbered:         "Bản nháp, chưa có số",
			Seller:              "Đơn vị bán hàng",
			Buyer:               "Người mua hàng",
			TaxID:               "Mã số thuế",
			BuyerName:           "Họ tên người mua hàng",
			BankAccount:         "Số tài khoản",
			Corrects:            "Điều chỉnh cho hóa đơn",
			Reason:              "Lý do",
			Memo:                "Ghi chú",
			VoidReason:          "Lý do hủy",
			TimesIn:             "Thời gian theo múi giờ",
			PricesExclude:       "Giá chưa bao gồm thuế GTGT",
			PricesInclude:       "Giá đã bao gồm thuế GTGT",
			Page:                "Trang",
			LineNo:              "STT",
			Description:         "Tên hàng hóa, dịch vụ",
			Period:              "Kỳ sử dụng",
			Quantity:            "Số lượng",
			UnitPrice:           "Đơn giá",
			Amount:              "Thành tiền",
			Discount:            "Chiết khấu",
			TaxRate:             "Thuế suất",
			Total:               "Tổng",
			Subtotal:            "Cộng tiền hàng",
			Discounts:           "Chiết khấu",
			Service:             "Dịch vụ",
			Item:                "Hạng mục",
			Unit:                "Đơn vị tính",
			Coupon:              "Mã giảm giá",
			Net:                 "Tiền trước thuế",
			Tax:                 "Thuế GTGT",
			TaxOn:               "trên",
			GrandTotal:          "Tổng tiền thanh toán",
			AmountPaid:          "Đã thanh toán",
			AmountCredited:      "Đã điều chỉnh giảm",
			Outstanding:         "Còn phải thanh toán",
			CreditTotal:         "Tổng tiền điều chỉnh giảm",
			StatusDraft:         "Nháp",
			StatusUnpaid:        "Chưa thanh toán",
			StatusIssued:        "Đã phát hành",
			StatusPartiallyPaid: "Thanh toán một phần",
			StatusPaid:          "Đã thanh toán",
			StatusVoid:          "Đã hủy",
		}
	}
	return Labels{
		InvoiceTitle:        "Invoice",
		CreditNoteTitle:     "Credit note",
		Number:              "Number",
		Series:              "Series",
		Status:              "Status",
		Resource:            "Resource",
		Created:             "Created",
		Issued:              "Issued",
		Due:                 "Due",
		PaidAt:              "Paid",
		VoidedAt:            "Voided",
		NotNumbered:         "Draft, not numbered",
		Seller:              "Seller",
		Buyer:               "Bill to",
		TaxID:               "Tax ID",
		BuyerName:           "Buyer's name",
		BankAccount:         "Bank account",
		Corrects:            "Corrects invoice",
		Reason:              "Reason",
		Memo:                "Note",
		VoidReason:          "Void reason",
		TimesIn:             "Times in",
		PricesExclude:       "Prices exclude VAT",
		PricesInclude:       "Prices include VAT",
		Page:                "Page",
		LineNo:              "#",
		Description:         "Description",
		Period:              "Period",
		Quantity:            "Qty",
		UnitPrice:           "Unit price",
		Amount:              "Amount",
		Discount:            "Discount",
		TaxRate:             "VAT",
		Total:               "Total",
		Subtotal:            "Subtotal",
		Discounts:           "Discounts",
		Service:             "Service",
		Item:                "Item",
		Unit:                "Unit",
		Coupon:              "Coupon",
		Net:                 "Net",
		Tax:                 "VAT",
		TaxOn:               "on",
		GrandTotal:          "Total",
		AmountPaid:          "Amount paid",
		AmountCredited:      "Credited",
		Outstanding:         "Outstanding",
		CreditTotal:         "Total credited",
		StatusDraft:         "Draft",
		StatusUnpaid:        "Unpaid",
		StatusIssued:        "Issued",
		StatusPartiallyPaid: "Partially paid",
		StatusPaid:          "Paid",
		StatusVoid:          "Void",
	}
}

// DefaultLabels returns the built-in labels of lang ("en" or "vi"; English
// for any other), a starting point for Config.Labels.
func DefaultLabels(lang string) Labels { return builtinLabels(lang) }

// merged returns base with every non-empty field of over copied onto it.
func merged(base, over Labels) Labels {
	b := reflect.ValueOf(&base).Elem()
	o := reflect.ValueOf(over)
	for i := range b.NumField() {
		if s := o.Field(i).String(); s != "" {
			b.Field(i).SetString(s)
		}
	}
	return base
}
