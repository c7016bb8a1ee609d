package document

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"

	"github.com/cloudbill/cloudbill/invoice"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW   = 210.0
	pageH   = 297.0
	margin  = 15.0
	bodyW   = pageW - 2*margin
	bottomY = pageH - 20 // below it only the page footer
	family  = "body"     // the font family name inside the PDF
)

// rgb is a colour as 0xRRGGBB.
type rgb uint32

// The colours of the document.
const (
	colText  rgb = 0x212529
	colMuted rgb = 0x6c757d
	colRule  rgb = 0xced4da
	colHead  rgb = 0xf1f3f5
)

// parts returns the red, green and blue components.
func (c rgb) parts() (r, g, b int) { return int(c >> 16 & 0xff), int(c >> 8 & 0xff), int(c & 0xff) }

// tableCol is one column of the lines table.
type tableCol struct {
	w     float64
	align string
}

// tableColumns are the columns of the lines table: #, description (with
// period and details), quantity, unit price, amount, discount, tax (rate
// over amount), total. The widths sum to bodyW. A function returning an
// array, so that no caller can change the layout for another.
func tableColumns() [8]tableCol {
	return [...]tableCol{
		{6, "C"}, {53, "L"}, {11, "R"}, {23, "R"}, {23, "R"}, {20, "R"}, {20, "R"}, {24, "R"},
	}
}

// pdfDoc is one PDF being written.
type pdfDoc struct {
	f *fpdf.Fpdf
	// onNewPage runs after a page break (the table repeats its header).
	onNewPage func()
}

// PDF writes inv as an A4 PDF to w, with the Renderer's fonts embedded
// (subset to the glyphs used) so that any reader shows the text, Vietnamese
// included, and text extraction returns it. The output is deterministic:
// the creation and modification dates are the document's own date (issued,
// or created for a draft), the producer is Config.Producer, and object
// order is fixed, so equal inputs give equal bytes. Errors: those of View,
// and an error matching ErrRender when the PDF library or w fails.
func (r *Renderer) PDF(w io.Writer, inv invoice.Invoice, opts Options) error {
	v, err := r.View(inv, opts)
	if err != nil {
		return err
	}
	return r.safePDF(w, func(p *pdfDoc) { p.document(v) }, &v)
}

// safePDF sets up a document with the Renderer's fonts and metadata, runs
// build, and writes the result to w. The PDF library reports most problems
// through its error state, but it is third-party code fed with host text:
// a panic inside it is turned into an error here, so rendering never takes
// the host's process down.
func (r *Renderer) safePDF(w io.Writer, build func(*pdfDoc), v *View) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: pdf library: %v", ErrRender, p)
		}
	}()
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, 0) // pages are broken by ensure
	f.SetCatalogSort(true)
	f.SetProducer(r.producer, true)
	f.SetCreator(r.producer, true)
	f.AddUTF8FontFromBytes(family, "", r.regular)
	f.AddUTF8FontFromBytes(family, "B", r.bold)
	if v != nil {
		at := documentDate(v.Invoice).UTC()
		f.SetCreationDate(at)
		f.SetModificationDate(at)
		f.SetTitle(pdfText(v.Title+" "+v.Number), true)
		f.SetAuthor(pdfText(v.Seller.Name), true)
		f.SetSubject(pdfText(v.Title), true)
		f.SetLang(v.Lang)
	}
	if err := f.Error(); err != nil {
		return renderError("pdf setup", err)
	}
	p := &pdfDoc{f: f}
	if v != nil {
		footer := pdfText(v.Number)
		page := pdfText(v.Labels.Page)
		f.SetFooterFunc(func() {
			f.SetXY(margin, pageH-12)
			p.font(false, 7, colMuted)
			f.CellFormat(bodyW, 4, footer+"  ·  "+page+" "+strconv.Itoa(f.PageNo()), "", 0, "C", false, 0, "")
		})
	}
	build(p)
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return renderError("pdf", err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return renderError("write pdf", err)
	}
	return nil
}

// document lays out the whole of v.
func (p *pdfDoc) document(v View) {
	f := p.f
	f.AddPage()
	p.font(true, 16, colText)
	for _, line := range p.wrap(v.Title, bodyW) {
		f.SetX(margin)
		f.CellFormat(bodyW, 8, line, "", 1, "L", false, 0, "")
	}
	f.Ln(2)

	// Identification on the left, dates on the right.
	left := []Field{{Label: v.Labels.Number, Value: v.Number, Strong: true}}
	if v.Series != "" {
		left = append(left, Field{Label: v.Labels.Series, Value: v.Series})
	}
	left = append(left, Field{Label: v.Labels.Status, Value: v.Status, Strong: true},
		Field{Label: v.Labels.Resource, Value: v.ResourceID})
	y := f.GetY()
	yl := p.fields(margin, y, bodyW/2-4, left)
	yr := p.fields(margin+bodyW/2, y, bodyW/2, v.Dates)
	f.SetY(max(yl, yr) + 3)

	// The parties side by side.
	y = f.GetY()
	yl = p.party(margin, y, bodyW/2-4, v.Labels.Seller, v.Seller, v.Labels.TaxID)
	yr = p.party(margin+bodyW/2, y, bodyW/2, v.Labels.Buyer, v.Buyer, v.Labels.TaxID)
	f.SetY(max(yl, yr) + 3)

	var notes []Field
	if v.IsCreditNote {
		notes = append(notes, Field{Label: v.Labels.Corrects, Value: v.Corrects, Strong: true}, Field{Label: v.Labels.Reason, Value: v.Reason})
	}
	if v.Memo != "" {
		notes = append(notes, Field{Label: v.Labels.Memo, Value: v.Memo})
	}
	if v.VoidReason != "" {
		notes = append(notes, Field{Label: v.Labels.VoidReason, Value: v.VoidReason})
	}
	if len(notes) > 0 {
		f.SetY(p.fields(margin, f.GetY(), bodyW, notes) + 2)
	}
	p.font(false, 7.5, colMuted)
	p.paragraph(v.TaxNote+" · "+v.Labels.TimesIn+" "+v.TimeZone+" · "+v.Currency, bodyW, 3.6)
	f.Ln(2)

	p.table(v)
	f.Ln(3)
	p.summary(v.Totals)
	if len(v.Settlement) > 0 {
		f.Ln(2)
		p.summary(v.Settlement)
	}
	if v.Footer != "" {
		f.Ln(4)
		p.font(false, 8.5, colText)
		p.paragraph(v.Footer, bodyW, 4.2)
	}
}

// fields writes "label: value" pairs in a column at x from y, wrapping
// values, and returns the y below them.
func (p *pdfDoc) fields(x, y, w float64, fs []Field) float64 {
	return p.fieldsWith(x, y, w, min(w*0.38, 36), fs)
}

// fieldsWith is fields with the labels' column labelW wide.
func (p *pdfDoc) fieldsWith(x, y, w, labelW float64, fs []Field) float64 {
	f := p.f
	const lh = 4.6
	for _, fd := range fs {
		lines := p.wrapWith(fd.Value, w-labelW, fd.Strong, 9)
		y = p.ensureAt(y, lh)
		f.SetXY(x, y)
		f.CellFormat(labelW, lh, p.fit(fd.Label, labelW-1, false, 8.5, colMuted), "", 0, "L", false, 0, "")
		for i, line := range lines {
			if i > 0 {
				y = p.ensureAt(y+lh, lh)
			}
			p.font(fd.Strong, 9, colText)
			f.SetXY(x+labelW, y)
			f.CellFormat(w-labelW, lh, line, "", 0, "L", false, 0, "")
		}
		y += lh
	}
	return y
}

// party writes one party's block at x from y and returns the y below it.
func (p *pdfDoc) party(x, y, w float64, heading string, pv PartyView, taxLabel string) float64 {
	f := p.f
	p.font(true, 7.5, colMuted)
	f.SetXY(x, y)
	f.CellFormat(w, 4, p.fit(strings.ToUpper(heading), w-1, true, 7.5, colMuted), "B", 0, "L", false, 0, "")
	y += 5
	line := func(s string, bold bool, size, lh float64) {
		for _, l := range p.wrapWith(s, w, bold, size) {
			y = p.ensureAt(y, lh)
			p.font(bold, size, colText)
			f.SetXY(x, y)
			f.CellFormat(w, lh, l, "", 0, "L", false, 0, "")
			y += lh
		}
	}
	line(pv.Name, true, 10, 5)
	for _, a := range pv.AddressLines {
		line(a, false, 8.5, 4.2)
	}
	if pv.TaxID != "" {
		line(taxLabel+": "+pv.TaxID, false, 8.5, 4.2)
	}
	for _, s := range []string{pv.Email, pv.Phone} {
		if s != "" {
			line(s, false, 8.5, 4.2)
		}
	}
	for _, d := range pv.Details {
		line(d, false, 8.5, 4.2)
	}
	return y
}

// table writes the lines table, repeating its header on every page.
func (p *pdfDoc) table(v View) {
	f := p.f
	lb := v.Labels
	columns := tableColumns()
	heads := [len(columns)]string{lb.LineNo, lb.Description, lb.Quantity, lb.UnitPrice, lb.Amount, lb.Discount, lb.TaxRate, lb.Total}
	header := func() {
		p.font(true, 7, colText)
		f.SetFillColor(colHead.parts())
		f.SetX(margin)
		for i, c := range columns {
			f.CellFormat(c.w, 6, p.fit(heads[i], c.w-1, true, 7, colText), "", 0, c.align, true, 0, "")
		}
		f.Ln(6)
	}
	p.onNewPage = header
	defer func() { p.onNewPage = nil }()
	p.ensure(6 + 10)
	header()
	const lh, small = 3.6, 3.1
	for _, l := range v.Lines {
		p.ensure(lh + 2)
		y := f.GetY() + 1
		// Numbers first, on the row's first line; the tax amount under
		// its rate.
		cells := [len(columns)]string{strconv.Itoa(l.No), "", l.Quantity, l.UnitPrice, l.Amount, l.Discount, l.TaxRate, l.Total}
		x := margin
		for i, c := range columns {
			if cells[i] != "" {
				f.SetXY(x, y)
				f.CellFormat(c.w, lh, p.fit(cells[i], c.w-1, i == len(columns)-1, 7.5, colText), "", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		taxX := margin
		for _, c := range columns[:6] {
			taxX += c.w
		}
		f.SetXY(taxX, y+lh)
		f.CellFormat(columns[6].w, small, p.fit(l.Tax, columns[6].w-1, false, 6.5, colMuted), "", 0, "R", false, 0, "")
		// The description column, which may run over several pages.
		dx, dw := margin+columns[0].w, columns[1].w-1
		rowEnd := y + lh + small
		write := func(text string, bold bool, size, h float64, col rgb) {
			for _, line := range p.wrapWith(text, dw, bold, size) {
				if y+h > bottomY {
					p.newPage()
					y, rowEnd = f.GetY()+1, 0
				}
				p.font(bold, size, col)
				f.SetXY(dx, y)
				f.CellFormat(dw, h, line, "", 0, "L", false, 0, "")
				y += h
			}
		}
		write(l.Description, true, 7.5, lh, colText)
		if l.Period != "" {
			write(l.Period, false, 6.5, small, colMuted)
		}
		for _, d := range l.Facts {
			write(d, false, 6.5, small, colMuted)
		}
		for _, d := range l.Details {
			write(d, false, 6.5, small, colMuted)
		}
		y = max(y, rowEnd) + 1
		f.SetDrawColor(colRule.parts())
		f.Line(margin, y, margin+bodyW, y)
		f.SetY(y)
	}
}

// summary writes right-aligned label/value rows (totals, settlement).
func (p *pdfDoc) summary(fs []Field) {
	f := p.f
	const labelW, valueW, lh = 70.0, 40.0, 5.0
	x := margin + bodyW - labelW - valueW
	for _, fd := range fs {
		label := fd.Label
		if fd.Note != "" {
			label += " (" + fd.Note + ")"
		}
		p.ensure(lh)
		if fd.Strong {
			f.SetDrawColor(colRule.parts())
			f.Line(x, f.GetY(), margin+bodyW, f.GetY())
		}
		size := 8.5
		if fd.Strong {
			size = 10
		}
		f.SetX(x)
		f.CellFormat(labelW, lh, p.fit(label, labelW-1, fd.Strong, size, colText), "", 0, "R", false, 0, "")
		f.CellFormat(valueW, lh, p.fit(fd.Value, valueW-1, fd.Strong, size, colText), "", 1, "R", false, 0, "")
	}
}

// paragraph writes wrapped text in the current font from the left margin.
func (p *pdfDoc) paragraph(s string, w, lh float64) {
	f := p.f
	for _, line := range p.wrap(s, w) {
		p.ensure(lh)
		f.SetX(margin)
		f.CellFormat(w, lh, line, "", 1, "L", false, 0, "")
	}
}

// text writes one line at the current position (used to check fonts).
func (p *pdfDoc) text(h float64, s string, bold bool) {
	p.font(bold, 10, colText)
	p.f.CellFormat(0, h, pdfText(s), "", 1, "L", false, 0, "")
}

// font selects the body font.
func (p *pdfDoc) font(bold bool, size float64, col rgb) {
	style := ""
	if bold {
		style = "B"
	}
	p.f.SetFont(family, style, size)
	p.f.SetTextColor(col.parts())
}

// ensure starts a new page when h more millimetres do not fit.
func (p *pdfDoc) ensure(h float64) {
	if p.f.GetY()+h > bottomY {
		p.newPage()
	}
}

// ensureAt is ensure for layouts that track y themselves: it returns y, or
// the top of a new page.
func (p *pdfDoc) ensureAt(y, h float64) float64 {
	if y+h > bottomY {
		p.newPage()
		return p.f.GetY()
	}
	return y
}

// newPage adds a page and runs the page-start hook (the table header).
func (p *pdfDoc) newPage() {
	p.f.AddPage()
	p.f.SetY(margin)
	if p.onNewPage != nil {
		p.onNewPage()
	}
}

// wrap splits s into lines that fit w in the current font; newlines in s
// start new lines.
func (p *pdfDoc) wrap(s string, w float64) []string {
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		out = append(out, wrapText(pdfText(para), w-2*p.f.GetCellMargin(), p.f.GetStringWidth)...)
	}
	return out
}

// wrapWith selects a font and wraps s to w in it.
func (p *pdfDoc) wrapWith(s string, w float64, bold bool, size float64) []string {
	p.font(bold, size, colText)
	return p.wrap(s, w)
}

// fit selects the body font at size, smaller (down to 5 pt) when s would
// not fit w, and returns s made safe: numbers are shrunk, never cut.
func (p *pdfDoc) fit(s string, w float64, bold bool, size float64, col rgb) string {
	s = pdfText(s)
	p.font(bold, size, col)
	for size > 5 && p.f.GetStringWidth(s) > w-2*p.f.GetCellMargin() {
		size -= 0.5
		p.font(bold, size, col)
	}
	return s
}

// wrapText breaks one paragraph at spaces (and inside words longer than a
// line) into lines no wider than w by width; an empty paragraph is one
// empty line.
func wrapText(s string, w float64, width func(string) float64) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		next := word
		if line != "" {
			next = line + " " + word
		}
		if width(next) <= w {
			line = next
			continue
		}
		if line != "" {
			out = append(out, line)
		}
		// A word wider than the line is cut between runes.
		line = ""
		for _, r := range word {
			if line != "" && width(line+string(r)) > w {
				out = append(out, line)
				line = ""
			}
			line += string(r)
		}
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// pdfText makes host text safe for one line of the PDF library: control
// characters (newlines included) become spaces, and characters outside the
// Basic Multilingual Plane (which the library's UTF-8 fonts cannot index)
// become U+FFFD.
func pdfText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case r > 0xFFFF:
			return unicode.ReplacementChar
		}
		return r
	}, s)
}
