package invoice

import "fmt"

// TaxTreatment is how a customer's purchases are taxed (VAT) and how a
// line declares its tax: at the rate of what is sold, or not at all for
// one of the reasons Vietnamese e-invoices name. The names are stored and
// sent as they are and never change; new treatments are only added.
//
// A line without VAT says why: an exempt customer's line is written "KCT"
// (không chịu thuế: not subject to VAT) and a zero-rated export's "0%",
// which are different declarations although both lines carry no tax.
type TaxTreatment string

// The treatments. The empty TaxTreatment is read as TaxStandard: an account
// that never chose one, and an invoice line taxed at its rate.
const (
	// TaxStandard: taxed at the rate of what is sold (the catalog's rate,
	// or its product category's reduced rate such as 5 % or 8 %).
	TaxStandard TaxTreatment = "standard"
	// TaxExempt: not subject to VAT (KCT). No tax; the e-invoice and the
	// document write "KCT", not 0 %.
	TaxExempt TaxTreatment = "exempt"
	// TaxZeroRated: VAT at 0 %, as for exported services sold to a
	// customer abroad. No tax; the e-invoice writes "0%".
	TaxZeroRated TaxTreatment = "zero_rated"
	// TaxNotDeclared: not declared or paid (KKKNT, không kê khai, tính
	// nộp thuế), for the sales the law lets a seller leave out of its VAT
	// return. No tax; the e-invoice writes "KKKNT".
	TaxNotDeclared TaxTreatment = "not_declared"
)

// Valid reports whether t is one of the treatments above or empty (read
// as TaxStandard). Every store refuses other values.
func (t TaxTreatment) Valid() bool {
	switch t {
	case "", TaxStandard, TaxExempt, TaxZeroRated, TaxNotDeclared:
		return true
	}
	return false
}

// OrStandard returns t, or TaxStandard for the empty treatment.
func (t TaxTreatment) OrStandard() TaxTreatment {
	if t == "" {
		return TaxStandard
	}
	return t
}

// Untaxed reports whether t charges no VAT whatever is sold: exempt,
// zero-rated or not declared. A line of such a treatment has TaxRate 0.
func (t TaxTreatment) Untaxed() bool {
	return t == TaxExempt || t == TaxZeroRated || t == TaxNotDeclared
}

// Label is how a document's tax column writes a line's rate when t
// decides it: "KCT" for exempt, "0%" for zero-rated, "KKKNT" for not
// declared, and "" for a line taxed at its rate (the rate is written).
func (t TaxTreatment) Label() string {
	switch t {
	case TaxExempt:
		return "KCT"
	case TaxZeroRated:
		return "0%"
	case TaxNotDeclared:
		return "KKKNT"
	}
	return ""
}

// checkTreatment refuses an unknown treatment, and a rate on a line whose
// treatment charges no VAT.
func checkTreatment(idx int, l Line) error {
	if !l.TaxTreatment.Valid() {
		return &LineError{Index: idx, Field: "TaxTreatment", Reason: fmt.Sprintf("%q is not a tax treatment", clip(string(l.TaxTreatment)))}
	}
	if l.TaxTreatment.Untaxed() && !l.TaxRate.IsZero() {
		return &LineError{Index: idx, Field: "TaxRate", Reason: fmt.Sprintf("%s on a line whose treatment %s charges no VAT", l.TaxRate, l.TaxTreatment)}
	}
	return nil
}
