package document

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/invoice"
)

// FormatDetail writes one step of a line's explanation (invoice.Detail) in
// locale l, with the locale's digits and words:
//
//	units, en-US: "4 vCPU × 45,000 = 180,000"   vi-VN: "4 vCPU × 45.000 = 180.000"
//	prorated:     "180,000 per 30 days ÷ 30 × 60 days = 360,000"   "180.000/30 × 60 ngày = 360.000"
//	tax:          "tax 10% of 1,112,500: 111,250"                  "thuế 10% trên 1.112.500: 111.250"
//
// The English text is the one the pricing writes in the line's Details.
// Names and units are the catalog's, shown as given. A Detail of a kind
// this version does not know is written as its amount. Errors: an
// *OptionError for an unsupported locale.
func FormatDetail(d invoice.Detail, l Locale) (string, error) {
	if !l.Valid() {
		return "", localeError(l)
	}
	w := detailWriter{f: formatter{l: l}, vi: l == ViVN}
	return nfc(w.write(d)), nil
}

// FormatCreditReason writes a credit note's coded reason in locale l:
// CreditUnusedTime is "deleted: unused time refunded" in en-US and "Xóa tài
// nguyên: hoàn tiền thời gian chưa sử dụng" in vi-VN, with the note in
// place of "deleted" / "Xóa tài nguyên" when there is one; CreditResize is
// "resize: <note>" / "Thay đổi cấu hình: <note>"; CreditRefund is the note,
// or "refund" / "Hoàn tiền" without one. The zero reason is "". Errors: an
// *OptionError for an unsupported locale.
func FormatCreditReason(r invoice.CreditReason, l Locale) (string, error) {
	if !l.Valid() {
		return "", localeError(l)
	}
	vi := l == ViVN
	note := nfc(strings.TrimSpace(r.Note))
	pick := func(en, vn string) string {
		if vi {
			return vn
		}
		return en
	}
	switch r.Code {
	case "":
		return "", nil
	case invoice.CreditUnusedTime:
		subject := note
		if subject == "" {
			subject = pick("deleted", "Xóa tài nguyên")
		}
		return subject + pick(": unused time refunded", ": hoàn tiền thời gian chưa sử dụng"), nil
	case invoice.CreditResize:
		return pick("resize: ", "Thay đổi cấu hình: ") + note, nil
	case invoice.CreditRefund:
		if note == "" {
			return pick("refund", "Hoàn tiền"), nil
		}
		return note, nil
	}
	return note, nil
}

// detailWriter writes Details in one locale.
type detailWriter struct {
	f  formatter
	vi bool
}

// pick returns en or vi by the writer's language.
func (w detailWriter) pick(en, vi string) string {
	if w.vi {
		return vi
	}
	return en
}

func (w detailWriter) num(d decimal.Decimal) string { return w.f.decimal(d) }

func (w detailWriter) int(n int64) string { return w.f.decimal(decimal.NewFromInt(n)) }

// withUnit joins a quantity and its unit ("4 vCPU", "23").
func (w detailWriter) withUnit(q decimal.Decimal, unit string) string {
	if unit == "" {
		return w.num(q)
	}
	return w.num(q) + " " + unit
}

// tier is the prefix of a step of a tiered charge ("tier 2: ").
func (w detailWriter) tier(d invoice.Detail) string {
	if d.Tier <= 0 {
		return ""
	}
	return w.pick("tier ", "bậc ") + strconv.Itoa(d.Tier) + ": "
}

// named prefixes s with the component's name ("Licence: …").
func named(d invoice.Detail, s string) string {
	if d.Name == "" {
		return s
	}
	return d.Name + ": " + s
}

// keep is "× (1 − 10%)" for a discount rate, "" for none.
func (w detailWriter) keep(rate decimal.Decimal) string {
	if rate.IsZero() {
		return ""
	}
	return " × (1 − " + w.f.percent(rate) + ")"
}

func (w detailWriter) write(d invoice.Detail) string {
	amount := w.num(d.Amount)
	switch d.Kind {
	case invoice.DetailPlan:
		return w.pick("plan ", "gói ") + d.Name + " " + amount
	case invoice.DetailUnits:
		return w.tier(d) + w.withUnit(d.Quantity, d.Unit) + " × " + w.num(d.Price) + " = " + amount
	case invoice.DetailPackages:
		noun := w.pick(" packages of ", " gói ")
		if !w.vi && d.Packages.Equal(decimal.NewFromInt(1)) {
			noun = " package of "
		}
		return w.tier(d) + w.withUnit(d.Quantity, d.Unit) + " → " + w.num(d.Packages) + noun +
			w.num(d.PackageSize) + " × " + w.num(d.Price) + " = " + amount
	case invoice.DetailFlat:
		return named(d, w.tier(d)+w.pick("flat ", "cố định ")+amount)
	case invoice.DetailTierFee:
		return named(d, w.tier(d)+w.pick("flat fee ", "phí cố định ")+amount)
	case invoice.DetailMinimum:
		return named(d, w.pick("minimum ", "tối thiểu ")+w.num(d.Price)+w.pick(" (adds ", " (thêm ")+amount+")")
	case invoice.DetailProrated:
		return w.prorated(d)
	case invoice.DetailTermDiscount:
		return w.pick("term discount ", "chiết khấu kỳ hạn ") + w.term(d.Months, d.Days) + " " + w.f.percent(d.Rate) + ": −" + amount
	case invoice.DetailDiscount:
		return w.pick("discount ", "giảm giá ") + d.Name + ": −" + amount
	case invoice.DetailTax:
		return w.pick("tax ", "thuế ") + w.f.percent(d.Rate) + w.pick(" of ", " trên ") + w.num(d.Base) + ": " + amount
	case invoice.DetailTaxIncluded:
		return w.pick("tax ", "thuế ") + w.f.percent(d.Rate) + w.pick(" included in ", " đã gồm trong ") + w.num(d.Base) + ": " + amount
	case invoice.DetailPostpaid:
		// The English Details write the minutes without grouping.
		minutes := strconv.FormatInt(d.Minutes, 10) + " minutes"
		if w.vi {
			minutes = w.int(d.Minutes) + " phút"
		}
		return minutes + " × " + w.num(d.Price) + " × " + w.num(d.Quantity) + w.keep(d.Rate) +
			" ÷ " + w.int(minutesPer30Days) + " = " + amount
	case invoice.DetailUsage:
		return w.withUnit(d.Quantity, d.Unit) + " × " + w.num(d.Price) + w.keep(d.Rate) + " = " + amount
	case invoice.DetailCoupon:
		return w.pick("coupon: −", "mã giảm giá: −") + amount
	case invoice.DetailCredit:
		return w.pick("credits ", "điều chỉnh giảm ") + amount + w.pick(" of the line total ", " trên tổng của dòng ") + w.num(d.Base)
	}
	return amount
}

// minutesPer30Days is the minutes of the 30 days a price is quoted for.
const minutesPer30Days = 30 * 24 * 60

// prorated writes a price per 30 days times a quantity for days or
// minutes: "180,000 per 30 days × 2 ÷ 30 × 60 days = 720,000",
// "180.000/30 × 2 × 60 ngày = 720.000".
func (w detailWriter) prorated(d invoice.Detail) string {
	qty := ""
	if !d.Quantity.IsZero() && !d.Quantity.Equal(decimal.NewFromInt(1)) {
		qty = " × " + w.num(d.Quantity)
	}
	amount := w.num(d.Amount)
	price := w.num(d.Price)
	if w.vi {
		if d.Days > 0 {
			return price + "/30" + qty + " × " + w.int(d.Days) + " ngày = " + amount
		}
		return price + qty + " × " + w.int(d.Minutes) + " phút ÷ " + w.int(minutesPer30Days) + " phút = " + amount
	}
	if d.Days > 0 {
		return price + " per 30 days" + qty + " ÷ 30 × " + w.int(d.Days) + " days = " + amount
	}
	return price + " per 30 days" + qty + " × " + w.int(d.Minutes) + " minutes ÷ " + w.int(minutesPer30Days) + " = " + amount
}

// term writes a term: "6 months", "1 month 15 days"; "6 tháng", "1 tháng
// 15 ngày".
func (w detailWriter) term(months int, days int64) string {
	count := func(n int64, one, many, vi string) string {
		if w.vi {
			return strconv.FormatInt(n, 10) + " " + vi
		}
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + many
	}
	switch {
	case months != 0 && days != 0:
		return count(int64(months), "month", "months", "tháng") + " " + count(days, "day", "days", "ngày")
	case months != 0:
		return count(int64(months), "month", "months", "tháng")
	}
	return count(days, "day", "days", "ngày")
}

// unitName is a line's unit in the reader's language: the units Cloudbill
// itself writes ("period" on a prepaid line, "30 days" on a postpaid one)
// are translated, a catalog's own units are shown as given.
func unitName(unit string, l Locale) string {
	if l != ViVN {
		return unit
	}
	switch unit {
	case "period":
		return "kỳ"
	case "30 days":
		return "30 ngày"
	}
	return unit
}

// lineDetails are the texts under a line: in English the line's own
// Details (the text made when it was priced, exactly), in another
// language its Explain written in that language; either falls back to the
// other when the line has only one.
func lineDetails(line invoice.Line, l Locale) []string {
	explain := func() []string {
		out := make([]string, 0, len(line.Explain))
		for _, d := range line.Explain {
			s, _ := FormatDetail(d, l) // l is valid
			out = append(out, s)
		}
		return out
	}
	switch {
	case len(line.Explain) > 0 && (l != EnUS || len(line.Details) == 0):
		return explain()
	case len(line.Details) > 0:
		out := make([]string, 0, len(line.Details))
		for _, d := range line.Details {
			out = append(out, nfc(d))
		}
		return out
	}
	return nil
}

// creditReason is what a credit note shows as its reason: in English its
// Memo as written, in another language its coded reason written in that
// language when it has one.
func creditReason(inv invoice.Invoice, l Locale) string {
	if l != EnUS && !inv.CodedReason.IsZero() {
		s, _ := FormatCreditReason(inv.CodedReason, l) // l is valid
		return s
	}
	return nfc(inv.Memo)
}
