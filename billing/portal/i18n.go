package portal

import (
	"context"
	"net/http"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/cloudbill/cloudbill/invoice/document"
)

// ContentLanguageHeader is set on every problem response to the locale
// its title is written in ("vi-VN" or "en-US").
const ContentLanguageHeader = "Content-Language"

// problemTitles are the problem titles in Vietnamese, keyed by the HTTP
// status text they translate; English is the status text itself.
func problemTitles() [][2]string {
	return [][2]string{
		{"Bad Request", "Yêu cầu không hợp lệ"},
		{"Unauthorized", "Chưa đăng nhập"},
		{"Not Found", "Không tìm thấy"},
		{"Method Not Allowed", "Phương thức không được phép"},
		{"Conflict", "Không thể thực hiện lúc này"},
		{"Unsupported Media Type", "Định dạng nội dung không được hỗ trợ"},
		{"Unprocessable Entity", "Không thể xử lý yêu cầu"},
		{"Internal Server Error", "Lỗi hệ thống"},
		{"Service Unavailable", "Dịch vụ tạm thời không khả dụng"},
	}
}

// newCatalog builds the portal's message catalog: each problem title in
// en-US and vi-VN. Built per Handler, so no catalog is shared state.
func newCatalog() (catalog.Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.AmericanEnglish))
	for _, t := range problemTitles() {
		if err := b.SetString(language.AmericanEnglish, t[0], t[0]); err != nil {
			return nil, err
		}
		if err := b.SetString(language.MustParse("vi-VN"), t[0], t[1]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// localeKey carries the request's locale from ServeHTTP to the problem
// writer, within one request.
type localeKey struct{}

// printerKey carries the request's message printer likewise.
type printerKey struct{}

// withLocale returns r with its locale and printer in the context.
func (h *Handler) withLocale(r *http.Request, l document.Locale) *http.Request {
	tag := language.AmericanEnglish
	if l == document.ViVN {
		tag = language.MustParse("vi-VN")
	}
	ctx := context.WithValue(r.Context(), localeKey{}, l)
	ctx = context.WithValue(ctx, printerKey{}, message.NewPrinter(tag, message.Catalog(h.catalog)))
	return r.WithContext(ctx)
}

// localeOfRequest is the locale ServeHTTP chose for r; en-US outside it.
func localeOfRequest(r *http.Request) document.Locale {
	if l, ok := r.Context().Value(localeKey{}).(document.Locale); ok {
		return l
	}
	return document.EnUS
}

// localTitle is the title of status in r's locale.
func localTitle(r *http.Request, status int) string {
	title := http.StatusText(status)
	if p, ok := r.Context().Value(printerKey{}).(*message.Printer); ok {
		return p.Sprintf(title)
	}
	return title
}

// chooseLocale picks the locale of a request: Config.Locale when the host
// set it; else the account's own setting (Config.AccountLocale, when the
// request is signed in and the account has one); else the "lang" query
// parameter; else the best of Accept-Language by its weights; else en-US.
func (h *Handler) chooseLocale(r *http.Request, accountID string) document.Locale {
	if h.locale != nil {
		return h.locale(r)
	}
	if accountID != "" && h.accountLocale != nil {
		if l, ok := localeOf(string(h.accountLocale(r.Context(), accountID))); ok {
			return l
		}
	}
	return requestLocale(r)
}

// requestLocale is the locale a request asks for: the "lang" query
// parameter ("vi", "vi-VN", "en", "en-US"), else the Vietnamese or English
// tag Accept-Language weighs highest, else en-US.
func requestLocale(r *http.Request) document.Locale {
	if l, ok := localeOf(r.URL.Query().Get("lang")); ok {
		return l
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	for _, t := range tags {
		if l, ok := localeOf(t.String()); ok {
			return l
		}
	}
	return document.EnUS
}
