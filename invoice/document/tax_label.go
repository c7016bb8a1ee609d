package document

import "github.com/cloudbill/cloudbill/invoice"

// rate is how the tax column writes a line's rate: the treatment's label
// when the treatment decides it ("KCT" for an exempt customer, "0%" for a
// zero-rated export, "KKKNT"), else the rate as a percentage ("10%").
func (f formatter) rate(l invoice.Line) string {
	if label := l.TaxTreatment.Label(); label != "" {
		return label
	}
	return f.percent(l.TaxRate)
}

// groupRate is rate for a group of lines of one rate and treatment.
func (f formatter) groupRate(g taxGroup) string {
	if g.label != "" {
		return g.label
	}
	return f.percent(g.rate)
}
