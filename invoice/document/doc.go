// Package document renders invoices and credit notes (invoice.Invoice
// values) as documents a customer reads: a self-contained HTML page and an
// A4 PDF. It is pure like package invoice: no storage, no clock, no
// package-level mutable state. A rendering takes the document, the legal
// parties and the presentation options, and writes to an io.Writer.
//
// # What a document shows
//
// The seller and buyer (Party: legal name, address, tax id), which the
// host passes in Options so Cloudbill stores neither; the number and
// series, dates (created, issued, due, paid, voided) and status as the
// customer reads it (an issued invoice is "Unpaid"); every line with its
// description, the period it pays for to the minute, its details (how it
// was priced, the coupon's share), quantity, unit price, amount, discount,
// tax rate and tax, and total; the subtotal, discounts, net, the tax per
// rate with the amount it is on, and the total; on an invoice the amount
// paid, credited and outstanding; on a credit note the invoice it corrects
// and why.
//
// # Locales and money
//
// Options.Locale chooses the labels and the formats: EnUS ("$1,234.50",
// "₫230,000", "Apr 5, 2026 09:00") or ViVN ("230.000 ₫", "1.234,50 US$",
// "05/04/2026 09:00"). Currency signs are CLDR's for the locale
// (golang.org/x/text/currency), joined to the number by a no-break space
// where CLDR puts one. FormatMoney writes every amount exactly — the
// currency's minor digits and any further digit the value has — and never
// changes the amount. Times are shown in Options.Location, normally the
// account's billing zone.
//
// # Line details and reasons in the reader's language
//
// A line explains how it was priced twice: Details, the English text made
// when it was priced ("4 vCPU × 45,000 = 180,000"), and Explain, the same
// steps as numbers (invoice.Detail: a kind and its quantities, prices,
// rates and amounts). English documents show Details exactly as written;
// a Vietnamese document writes Explain in Vietnamese words and digits
// (FormatDetail: "4 vCPU × 45.000 = 180.000", "180.000/30 × 60 ngày =
// 360.000", "thuế 10% trên 1.112.500: 111.250"). Each falls back to the
// other for lines that carry only one (lines stored before Explain
// existed show their Details). A credit note's reason is likewise its
// English Memo, or in Vietnamese its coded reason (invoice.CreditReason,
// FormatCreditReason: "Xóa tài nguyên: hoàn tiền thời gian chưa sử
// dụng"). The units Cloudbill writes itself ("period", "30 days") read
// "kỳ" and "30 ngày".
//
// # The e-invoice's view
//
// In Vietnam the signed XML e-invoice (package einvoice) is the invoice;
// Renderer.EInvoicePDF writes its view, in Vietnamese with English in
// brackets, with every field of Decree 123/2020/NĐ-CP Article 10 and
// Circular 78/2021/TT-BTC: title, form, symbol (1C26TAA), 8-digit number,
// date of issue, seller and buyer with their tax codes, payment method,
// currency and exchange rate, the lines with unit and VAT rate, the totals
// per VAT rate, the total in words, the signature block, and from
// EInvoiceStatus the tax authority's code and the lookup code; an
// adjustment or replacement names the invoice it refers to.
//
// # Templates, labels and fonts
//
// A Renderer (NewRenderer) parses its HTML template once and keeps it;
// Config.HTMLTemplate replaces the embedded one (DefaultHTMLTemplate is its
// text, and View documents what a template sees), Config.Labels replaces
// labels per language. PDFs embed DejaVu Sans (regular and bold), subset to
// Latin scripts with Vietnamese and the common currency and punctuation
// signs (fonts/, with its licence); Config.FontRegular and FontBold take
// another TrueType font for other scripts. The PDF library embeds only the
// glyphs a document uses.
//
// # Deterministic output
//
// Output depends only on the document, the options and the configuration:
// the PDF's creation and modification dates are the document's own date
// (issued, or created for a draft), its producer is fixed
// (Config.Producer), and its objects are written in a fixed order. Equal
// inputs give equal bytes, so documents can be compared, cached and tested
// against golden files.
//
// # Errors
//
// NewRenderer returns a *ConfigError (ErrInvalidConfig); a rendering
// returns an *OptionError (ErrInvalidOptions) for bad options, wraps the
// document's Validate error in ErrInvalidOptions, and returns an error
// matching ErrRender when the template, the PDF library or the writer
// fails. Rendering never panics: a panic inside the PDF library is turned
// into an ErrRender error.
package document
