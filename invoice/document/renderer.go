package document

import (
	"bytes"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/invoice"
)

// embedded holds the default HTML template and the default fonts. It is
// read-only: the package has no mutable state.
//
//go:embed templates/invoice.html.tmpl fonts/DejaVuSans.ttf fonts/DejaVuSans-Bold.ttf
var embedded embed.FS

// DefaultProducer is the PDF Producer written when Config.Producer is "".
const DefaultProducer = "Cloudbill invoice/document"

// Config configures a Renderer. Every zero field takes the documented
// default; NewRenderer checks the rest once.
type Config struct {
	// HTMLTemplate is the text of an html/template that renders a View, for
	// hosts that want their own layout; "" uses DefaultHTMLTemplate. It may
	// call the functions money, decimal and percent (see NewRenderer).
	HTMLTemplate string
	// Labels replaces built-in labels per language ("en", "vi", or another
	// language whose labels start from the English ones); empty fields
	// keep the built-in text.
	Labels map[string]Labels
	// FontRegular and FontBold are TrueType fonts for the PDF, replacing
	// the embedded DejaVu Sans subset (Latin scripts, Vietnamese included);
	// set both or neither. Use them for scripts the subset lacks.
	FontRegular, FontBold []byte
	// Producer is the PDF's Producer metadata; "" means DefaultProducer.
	Producer string
}

// Renderer renders invoices and credit notes to HTML and PDF. It holds its
// own parsed template and fonts, never changes after NewRenderer, and is
// safe for concurrent use.
type Renderer struct {
	html     *template.Template
	labels   map[string]Labels
	regular  []byte
	bold     []byte
	producer string
}

// DefaultHTMLTemplate returns the text of the embedded HTML template, a
// starting point for Config.HTMLTemplate.
func DefaultHTMLTemplate() string {
	b, _ := embedded.ReadFile("templates/invoice.html.tmpl") // embedded: cannot fail
	return string(b)
}

// NewRenderer returns a Renderer for cfg. Templates may call
//
//	money    (money.Amount) string   — FormatMoney in the document's locale
//	decimal  (decimal.Decimal) string
//	percent  (decimal.Decimal) string
//
// on the raw values of View.Invoice, and partyArgs (heading string, party
// PartyView, taxLabel, class string) PartyArgs for the embedded template's
// "party" block. Errors: a *ConfigError
// (ErrInvalidConfig) for a template that does not parse, one font without
// the other, a font that cannot be embedded, or a producer that is not
// printable UTF-8.
func NewRenderer(cfg Config) (*Renderer, error) {
	r := &Renderer{producer: cfg.Producer, labels: map[string]Labels{}}
	if r.producer == "" {
		r.producer = DefaultProducer
	}
	if !utf8.ValidString(r.producer) || len(r.producer) > 200 {
		return nil, &ConfigError{Field: "Producer", Reason: "must be at most 200 bytes of UTF-8"}
	}
	text := cfg.HTMLTemplate
	if text == "" {
		text = DefaultHTMLTemplate()
	}
	// The functions are bound per execution (see HTML); these stand-ins
	// only declare them for parsing.
	t, err := template.New("invoice").Funcs(templateFuncs(EnUS)).Parse(text)
	if err != nil {
		return nil, &ConfigError{Field: "HTMLTemplate", Reason: "does not parse", Err: err}
	}
	r.html = t
	for lang, l := range cfg.Labels {
		r.labels[lang] = merged(builtinLabels(lang), l)
	}
	switch {
	case len(cfg.FontRegular) == 0 && len(cfg.FontBold) == 0:
		if r.regular, err = embedded.ReadFile("fonts/DejaVuSans.ttf"); err != nil {
			return nil, &ConfigError{Field: "FontRegular", Reason: "embedded font missing", Err: err}
		}
		if r.bold, err = embedded.ReadFile("fonts/DejaVuSans-Bold.ttf"); err != nil {
			return nil, &ConfigError{Field: "FontBold", Reason: "embedded font missing", Err: err}
		}
	case len(cfg.FontRegular) == 0 || len(cfg.FontBold) == 0:
		return nil, &ConfigError{Field: "FontRegular", Reason: "and FontBold must be set together"}
	default:
		for _, f := range []struct {
			name string
			b    []byte
		}{{"FontRegular", cfg.FontRegular}, {"FontBold", cfg.FontBold}} {
			if err := checkTrueType(f.b); err != nil {
				return nil, &ConfigError{Field: f.name, Reason: "is not a usable TrueType font", Err: err}
			}
		}
		r.regular, r.bold = bytes.Clone(cfg.FontRegular), bytes.Clone(cfg.FontBold)
		if err := r.checkFonts(); err != nil {
			return nil, &ConfigError{Field: "FontRegular", Reason: "cannot be embedded", Err: err}
		}
	}
	return r, nil
}

// labelsFor returns the labels of lang: the host's, else the built-in.
func (r *Renderer) labelsFor(lang string) Labels {
	if l, ok := r.labels[lang]; ok {
		return l
	}
	return builtinLabels(lang)
}

// View returns what the templates see for inv with opts: every value
// formatted for opts.Locale. Errors: an error matching ErrInvalidOptions
// for bad options or an invalid document (inv.Validate's error is wrapped).
func (r *Renderer) View(inv invoice.Invoice, opts Options) (View, error) {
	return buildView(inv, opts, r.labelsFor)
}

// HTML writes inv as a self-contained HTML page (styles inline, no
// scripts, no external resources) to w. The output depends only on inv,
// opts and the Renderer's Config, so equal inputs give equal bytes. Errors:
// those of View, and an error matching ErrRender when the template or w
// fails (part of the page may have been written).
func (r *Renderer) HTML(w io.Writer, inv invoice.Invoice, opts Options) error {
	v, err := r.View(inv, opts)
	if err != nil {
		return err
	}
	// Clone so that binding the locale's functions never touches the
	// shared template: a Renderer is used concurrently.
	t, err := r.html.Clone()
	if err != nil {
		return renderError("html template", err)
	}
	var buf bytes.Buffer
	if err := t.Funcs(templateFuncs(v.Locale)).Execute(&buf, v); err != nil {
		return renderError("html template", err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return renderError("write html", err)
	}
	return nil
}

// templateFuncs are the functions templates may call, formatting in l.
func templateFuncs(l Locale) template.FuncMap {
	f := formatter{l: l}
	return template.FuncMap{
		"money":     f.money,
		"decimal":   f.decimal,
		"percent":   f.percent,
		"partyArgs": partyArgs,
	}
}

// PartyArgs is what the embedded template's "party" block receives.
type PartyArgs struct {
	// Heading is the block's title ("Seller").
	Heading string
	// Party is the party to show.
	Party PartyView
	// TaxLabel is the label of the tax id ("Tax ID").
	TaxLabel string
	// Class is "seller" or "buyer".
	Class string
}

// partyArgs bundles a party block's arguments (templates take one).
func partyArgs(heading string, p PartyView, taxLabel, class string) PartyArgs {
	return PartyArgs{Heading: heading, Party: p, TaxLabel: taxLabel, Class: class}
}

// checkFonts renders a one-line PDF with the configured fonts, so that a
// font the PDF library cannot use fails at NewRenderer, not per document.
func (r *Renderer) checkFonts() error {
	var buf bytes.Buffer
	return r.safePDF(&buf, func(p *pdfDoc) {
		p.f.AddPage()
		p.text(10, "Aa", true)
	}, nil)
}

// checkTrueType checks the outline of a TrueType file before the PDF
// library reads it (the library prints to standard output about fonts it
// cannot parse): the version tag and the tables a PDF embedding needs.
func checkTrueType(b []byte) error {
	if len(b) < 12 {
		return errors.New("too short")
	}
	if v := binary.BigEndian.Uint32(b); v != 0x00010000 && v != 0x74727565 { // 1.0 or "true"
		return errors.New("not a TrueType font (OpenType CFF and collections are not supported)")
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 12+16*n {
		return errors.New("truncated table directory")
	}
	need := map[string]bool{"cmap": false, "glyf": false, "head": false, "hhea": false, "hmtx": false, "loca": false, "maxp": false, "name": false, "post": false}
	for i := range n {
		rec := b[12+16*i:]
		tag := string(rec[:4])
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(size) > uint64(len(b)) {
			return fmt.Errorf("table %q runs past the end of the file", tag)
		}
		if _, ok := need[tag]; ok {
			need[tag] = true
		}
	}
	for _, tag := range slices.Sorted(maps.Keys(need)) {
		if !need[tag] {
			return fmt.Errorf("no %q table", tag)
		}
	}
	return nil
}

// String describes the renderer without its fonts' bytes.
func (r *Renderer) String() string {
	return fmt.Sprintf("document.Renderer{producer: %q, fonts: %d+%d bytes}", r.producer, len(r.regular), len(r.bold))
}
