package einvoice

import "github.com/cloudbill/cloudbill/invoice"

// ZeroOf is how line l declares a zero rate: by its own treatment when it
// has one — KCT for invoice.TaxExempt, 0% for invoice.TaxZeroRated, KKKNT
// for invoice.TaxNotDeclared — else fallback, the caller's choice for
// lines that do not say (a catalog with no tax, lines stored before
// treatments). So RateOf(l.TaxRate, ZeroOf(l, VAT0)) writes an exempt
// customer's line "KCT" and an export's "0%", though both carry no tax.
func ZeroOf(l invoice.Line, fallback VATRate) VATRate {
	switch l.TaxTreatment {
	case invoice.TaxExempt:
		return VATNotTaxable
	case invoice.TaxZeroRated:
		return VAT0
	case invoice.TaxNotDeclared:
		return VATNotDeclared
	}
	return fallback
}
