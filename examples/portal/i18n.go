package main

import (
	"net/http"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice/document"
)

// viVN is the language tag of document.ViVN.
var viVN = language.MustParse("vi-VN")

// pageMessages are every string the pages show, as {key, en-US, vi-VN}.
// Keys with verbs take arguments; enum values (states, statuses, kinds)
// are keyed "<group>.<value>".
func pageMessages() [][3]string {
	return [][3]string{
		{"title.portal", "Billing", "Thanh toán & hóa đơn"},
		{"title.demo", "Cloudbill portal demo", "Cloudbill — cổng khách hàng (demo)"},
		{"choose.heading", "Choose a demo account", "Chọn tài khoản demo"},
		{"choose.note", "Demo sign-in: the account is chosen here and remembered in a cookie. A real host puts its own sign-in here and passes the account to the portal.", "Đăng nhập demo: chọn tài khoản ở đây, trình duyệt ghi nhớ bằng cookie. Hệ thống thật dùng đăng nhập của riêng mình rồi chuyển tài khoản cho cổng."},
		{"nav.switch", "Switch account", "Đổi tài khoản"},
		{"nav.signout", "Sign out", "Đăng xuất"},
		{"nav.language", "Language", "Ngôn ngữ"},
		{"nav.language.auto", "As the browser asks", "Theo trình duyệt"},
		{"nav.save", "Save", "Lưu"},
		{"nav.skip", "Skip to content", "Bỏ qua đến nội dung"},
		{"nav.back", "Back to billing", "Quay lại trang thanh toán"},
		{"wallet.heading", "Wallet", "Ví"},
		{"wallet.available", "Available credit", "Số dư khả dụng"},
		{"wallet.cash", "Cash", "Tiền nạp"},
		{"wallet.held", "Held for payments in progress", "Đang tạm giữ cho giao dịch"},
		{"wallet.promo", "Promotional, expires %s", "Khuyến mãi, hết hạn %s"},
		{"wallet.topup", "Top up", "Nạp tiền"},
		{"wallet.topup.submit", "Top up with MoMo", "Nạp tiền qua MoMo"},
		{"wallet.history", "Recent movements", "Biến động gần đây"},
		{"col.when", "When", "Thời gian"},
		{"col.what", "What", "Nội dung"},
		{"col.change", "Change", "Thay đổi"},
		{"col.after", "Credit after", "Số dư sau"},
		{"col.resource", "Resource", "Tài nguyên"},
		{"col.product", "Product", "Sản phẩm"},
		{"col.config", "Configuration", "Cấu hình"},
		{"col.state", "State", "Trạng thái"},
		{"col.ends", "Paid until", "Hạn sử dụng"},
		{"col.autorenew", "Auto-renew", "Tự động gia hạn"},
		{"col.actions", "Actions", "Thao tác"},
		{"col.number", "Number", "Số"},
		{"col.kind", "Kind", "Loại"},
		{"col.date", "Date", "Ngày"},
		{"col.status", "Status", "Tình trạng"},
		{"col.total", "Total", "Tổng tiền"},
		{"col.due", "Amount due", "Còn phải trả"},
		{"col.document", "Document", "Chứng từ"},
		{"col.for", "For", "Cho"},
		{"col.method", "Method", "Phương thức"},
		{"col.amount", "Amount", "Số tiền"},
		{"resources.heading", "Resources", "Tài nguyên"},
		{"resources.none", "No resources yet.", "Chưa có tài nguyên nào."},
		{"resources.renew", "Renew %s", "Gia hạn %s"},
		{"resources.delete", "Delete %s", "Xóa %s"},
		{"resources.autorenew.on", "Turn on auto-renew for %s", "Bật tự động gia hạn cho %s"},
		{"resources.autorenew.off", "Turn off auto-renew for %s", "Tắt tự động gia hạn cho %s"},
		{"resources.autorenew.is.on", "On", "Bật"},
		{"resources.autorenew.is.off", "Off", "Tắt"},
		{"resources.postpaid", "Billed monthly", "Tính cước hằng tháng"},
		{"bills.heading", "Bills to pay", "Hóa đơn cần thanh toán"},
		{"bills.none", "Nothing to pay.", "Không có hóa đơn cần thanh toán."},
		{"bills.outstanding", "Outstanding: %s", "Tổng còn nợ: %s"},
		{"bills.overdue", "Overdue", "Quá hạn"},
		{"bills.pay", "Pay %s", "Thanh toán %s"},
		{"bills.payall", "Pay all %s from credit, oldest first", "Thanh toán tất cả %s từ số dư, cũ nhất trước"},
		{"invoices.heading", "Invoices and credit notes", "Hóa đơn và hóa đơn điều chỉnh"},
		{"invoices.none", "No invoices yet.", "Chưa có hóa đơn."},
		{"payments.heading", "Payments", "Giao dịch thanh toán"},
		{"payments.none", "No payments yet.", "Chưa có giao dịch."},
		{"linked.heading", "Linked accounts", "Tài khoản liên kết"},
		{"linked.none", "No linked accounts.", "Chưa có tài khoản liên kết."},
		{"linked.default", "Default", "Mặc định"},
		{"linked.make.default", "Make %s the default", "Đặt %s làm mặc định"},
		{"linked.remove.default", "Stop using %s by default", "Bỏ mặc định %s"},
		{"linked.unlink", "Unlink %s", "Hủy liên kết %s"},
		{"linked.link", "Link a MoMo wallet", "Liên kết ví MoMo"},
		{"renew.heading", "Renew %s", "Gia hạn %s"},
		{"renew.term", "Renew for", "Thời hạn gia hạn"},
		{"renew.coupon", "Coupon code (optional)", "Mã giảm giá (không bắt buộc)"},
		{"renew.method", "Pay with", "Thanh toán bằng"},
		{"renew.update", "Update the price", "Cập nhật giá"},
		{"renew.preview", "Price", "Giá"},
		{"renew.now.ends", "Paid until now", "Hạn hiện tại"},
		{"renew.new.end", "New end", "Hạn mới"},
		{"renew.confirm", "Confirm and pay %s", "Xác nhận và thanh toán %s"},
		{"price.subtotal", "Subtotal", "Tạm tính"},
		{"price.discount", "Discount", "Giảm giá"},
		{"price.tax", "Tax", "Thuế"},
		{"price.total", "Total", "Tổng cộng"},
		{"method.credit", "Credit (%s available)", "Số dư (khả dụng %s)"},
		{"method.gateway", "MoMo", "MoMo"},
		{"method.top_up_and_pay", "Credit first, the rest with MoMo", "Trừ số dư trước, phần còn lại qua MoMo"},
		{"method.linked_account", "Linked account %s", "Tài khoản liên kết %s"},
		{"delete.heading", "Delete %s", "Xóa %s"},
		{"delete.refund", "Deleting it now refunds %s to your credit.", "Xóa ngay bây giờ sẽ hoàn %s vào số dư."},
		{"delete.norefund", "Deleting it now refunds nothing.", "Xóa ngay bây giờ không được hoàn tiền."},
		{"delete.warning", "The resource and its data are released; this cannot be undone.", "Tài nguyên và dữ liệu sẽ bị thu hồi; không thể hoàn tác."},
		{"delete.confirm", "Delete %s", "Xóa %s"},
		{"pay.heading", "Pay invoice %s", "Thanh toán hóa đơn %s"},
		{"pay.due", "Amount due", "Số tiền cần trả"},
		{"pay.confirm", "Pay %s", "Thanh toán %s"},
		{"gateway.simulated", "Simulated payment gateway", "Cổng thanh toán mô phỏng"},
		{"gateway.pay.to", "Pay %s", "Thanh toán cho %s"},
		{"gateway.pay", "Pay", "Thanh toán"},
		{"gateway.decline", "Decline", "Từ chối"},
		{"gateway.cancel", "Cancel", "Hủy"},
		{"gateway.link.ask", "Allow %s to charge your MoMo wallet?", "Cho phép %s trừ tiền từ ví MoMo của bạn?"},
		{"gateway.link", "Link", "Liên kết"},
		{"flash.payment.succeeded", "The payment of %s succeeded.", "Thanh toán %s thành công."},
		{"flash.payment.failed", "The payment of %s was declined; nothing was charged.", "Thanh toán %s bị từ chối; không có khoản nào bị trừ."},
		{"flash.payment.expired", "The payment of %s was not completed in time; nothing was charged.", "Thanh toán %s không hoàn tất kịp thời; không có khoản nào bị trừ."},
		{"flash.payment.canceled", "The payment of %s was cancelled; nothing was charged.", "Thanh toán %s đã bị hủy; không có khoản nào bị trừ."},
		{"flash.payment.pending", "The payment of %s is waiting for the gateway's confirmation.", "Thanh toán %s đang chờ cổng thanh toán xác nhận."},
		{"flash.renewed", "%s is renewed until %s.", "%s đã được gia hạn đến %s."},
		{"flash.deleted", "%s is deleted; %s was refunded to your credit.", "%s đã bị xóa; %s đã được hoàn vào số dư."},
		{"flash.autorenew.on", "Auto-renew is on for %s.", "Đã bật tự động gia hạn cho %s."},
		{"flash.autorenew.off", "Auto-renew is off for %s.", "Đã tắt tự động gia hạn cho %s."},
		{"flash.bills.paid", "%d bills paid: %s.", "Đã thanh toán %d hóa đơn: %s."},
		{"flash.linked", "Linked accounts updated.", "Đã cập nhật tài khoản liên kết."},
		{"flash.language", "Language saved.", "Đã lưu ngôn ngữ."},
		{"error.amount", "Enter the amount to top up as a whole number greater than zero.", "Nhập số tiền cần nạp là số nguyên lớn hơn 0."},
		{"error.credit", "Your credit is not enough for this payment; nothing was charged. Top up or choose another method.", "Số dư không đủ cho khoản thanh toán này; chưa trừ tiền. Hãy nạp thêm hoặc chọn phương thức khác."},
		{"error.coupon", "That coupon code cannot be used here.", "Mã giảm giá này không dùng được ở đây."},
		{"error.quote", "The price changed before you confirmed; nothing was charged. Check the new price.", "Giá đã thay đổi trước khi bạn xác nhận; chưa trừ tiền. Hãy xem lại giá mới."},
		{"error.state", "This resource cannot do that in its current state.", "Tài nguyên không thể thực hiện thao tác này ở trạng thái hiện tại."},
		{"error.term", "Choose one of the terms offered.", "Hãy chọn một trong các thời hạn được cung cấp."},
		{"error.gateway", "The payment gateway did not answer; try again in a moment.", "Cổng thanh toán không phản hồi; vui lòng thử lại sau."},
		{"error.notpayable", "This invoice has nothing left to pay.", "Hóa đơn này không còn khoản phải trả."},
		{"error.session", "The form expired; please try again.", "Biểu mẫu đã hết hạn; vui lòng thử lại."},
		{"error.generic", "Something went wrong; nothing was changed. Please try again.", "Đã có lỗi; chưa có gì thay đổi. Vui lòng thử lại."},
		{"state.pending_payment", "Awaiting payment", "Chờ thanh toán"},
		{"state.provisioning", "Being set up", "Đang khởi tạo"},
		{"state.active", "Running", "Đang chạy"},
		{"state.grace", "Grace period", "Thời gian ân hạn"},
		{"state.suspended", "Suspended", "Tạm ngưng"},
		{"state.released", "Released", "Đã thu hồi"},
		{"state.deleted", "Deleted", "Đã xóa"},
		{"state.failed", "Failed", "Lỗi"},
		{"billing.good", "Paid up", "Còn hạn"},
		{"billing.warning", "Ends soon", "Sắp hết hạn"},
		{"billing.alerted", "Ends in days", "Sắp hết hạn trong vài ngày"},
		{"billing.expired", "Expired — renew", "Đã hết hạn — cần gia hạn"},
		{"kind.invoice", "Invoice", "Hóa đơn"},
		{"kind.credit_note", "Credit note", "Hóa đơn điều chỉnh giảm"},
		{"invoice.draft", "Draft", "Nháp"},
		{"invoice.issued", "Unpaid", "Chưa thanh toán"},
		{"invoice.partially_paid", "Partly paid", "Thanh toán một phần"},
		{"invoice.paid", "Paid", "Đã thanh toán"},
		{"invoice.void", "Void", "Đã hủy"},
		{"payment.created", "Created", "Mới tạo"},
		{"payment.pending", "Pending", "Đang chờ"},
		{"payment.succeeded", "Succeeded", "Thành công"},
		{"payment.failed", "Declined", "Bị từ chối"},
		{"payment.expired", "Expired", "Hết hạn"},
		{"payment.canceled", "Cancelled", "Đã hủy"},
		{"payment.partially_refunded", "Partly refunded", "Hoàn tiền một phần"},
		{"payment.refunded", "Refunded", "Đã hoàn tiền"},
		{"purpose.order", "Purchase or renewal", "Mua hoặc gia hạn"},
		{"purpose.invoice", "Bill", "Hóa đơn"},
		{"purpose.top_up", "Top-up", "Nạp tiền"},
		{"purpose.payment_link", "Payment link", "Liên kết thanh toán"},
		{"paymethod.credit", "Credit", "Số dư"},
		{"paymethod.top_up_and_pay", "Credit and MoMo", "Số dư và MoMo"},
		{"paymethod.gateway", "MoMo", "MoMo"},
		{"paymethod.linked_account", "Linked account", "Tài khoản liên kết"},
		{"entry.top_up", "Top-up", "Nạp tiền"},
		{"entry.payment", "Payment", "Thanh toán"},
		{"entry.hold", "Held", "Tạm giữ"},
		{"entry.capture", "Captured", "Đã trừ"},
		{"entry.release", "Released", "Hoàn lại tạm giữ"},
		{"entry.refund", "Refund", "Hoàn tiền"},
		{"entry.promo_grant", "Promotional credit", "Tặng khuyến mãi"},
		{"entry.promo_expire", "Promotion expired", "Khuyến mãi hết hạn"},
		{"entry.gateway_payment", "Paid with MoMo", "Thanh toán qua MoMo"},
		{"entry.gateway_refund", "Refunded to MoMo", "Hoàn về MoMo"},
		{"term.months", "%d months", "%d tháng"},
		{"term.month", "1 month", "1 tháng"},
		{"term.days", "%d days", "%d ngày"},
		{"term.day", "1 day", "1 ngày"},
		{"term.mixed", "%s %s", "%s %s"},
	}
}

// newPageCatalog builds the pages' catalog, once per demo.
func newPageCatalog() (catalog.Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.AmericanEnglish))
	for _, m := range pageMessages() {
		if err := b.SetString(language.AmericanEnglish, m[0], m[1]); err != nil {
			return nil, err
		}
		if err := b.SetString(viVN, m[0], m[2]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// words prints the pages' strings, money and dates in one locale.
type words struct {
	locale  document.Locale
	printer *message.Printer
	loc     *time.Location
}

func newWords(cat catalog.Catalog, l document.Locale, loc *time.Location) words {
	tag := language.AmericanEnglish
	if l == document.ViVN {
		tag = viVN
	}
	if loc == nil {
		loc = time.UTC
	}
	return words{locale: l, printer: message.NewPrinter(tag, message.Catalog(cat)), loc: loc}
}

// T is the message key in the locale, with its arguments.
func (w words) T(key string, args ...any) string { return w.printer.Sprintf(key, args...) }

// Lang is the page's lang attribute.
func (w words) Lang() string { return string(w.locale) }

// Money formats an amount as the locale writes it ("750.000 ₫").
func (w words) Money(a money.Amount) string {
	s, err := document.FormatMoney(a, w.locale)
	if err != nil {
		return a.String()
	}
	return s
}

// Time formats a time in the account's zone: "05/04/2026 09:00" in
// Vietnamese, "Apr 5, 2026 09:00" in English; "" for the zero time.
func (w words) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if w.locale == document.ViVN {
		return t.In(w.loc).Format("02/01/2006 15:04")
	}
	return t.In(w.loc).Format("Jan 2, 2006 15:04")
}

// Term writes a term in words ("3 tháng", "1 month 5 days").
func (w words) Term(t period.Term) string {
	part := func(n int, one, many string) string {
		if n == 1 {
			return w.T(one)
		}
		return w.T(many, n)
	}
	switch {
	case t.Months != 0 && t.Days != 0:
		return w.T("term.mixed", part(t.Months, "term.month", "term.months"), part(t.Days, "term.day", "term.days"))
	case t.Months != 0:
		return part(t.Months, "term.month", "term.months")
	default:
		return part(t.Days, "term.day", "term.days")
	}
}

// Enum writes an enum value of a group ("state", "active") in words; an
// unknown value is shown as it is.
func (w words) Enum(group, value string) string {
	key := group + "." + value
	if s := w.T(key); s != key {
		return s
	}
	return value
}

// pageLocale picks the page's locale: the account's own setting, else the
// best of Accept-Language by weight (Vietnamese or English), else en-US.
func pageLocale(setting document.Locale, r *http.Request) document.Locale {
	if setting == document.ViVN || setting == document.EnUS {
		return setting
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		switch base, _ := t.Base(); base.String() {
		case "vi":
			return document.ViVN
		case "en":
			return document.EnUS
		}
	}
	return document.EnUS
}
