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
// "05/04/2026 09:00"). FormatMoney writes every amount exactly — the
// currency's minor digits and any further digit the value has — and never
// changes the amount. Times are shown in Options.Location, normally the
// account's billing zone.
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
