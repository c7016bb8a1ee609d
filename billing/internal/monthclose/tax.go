package monthclose

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/storage"
)

// WithAccountTax applies acct's VAT treatment to a bill's input: an
// exempt, zero-rated or not-declared account is billed no tax on any of
// the month (the treatment at the close applies to the whole month, as
// the account's discount does), its intervals and usage at rate 0; a
// standard account keeps each interval's and usage line's category rate.
// The pre-tax prices are not changed: the treatment decides the tax, not
// the price (BillDraft then declares each line's treatment).
func WithAccountTax(in *postpaid.Resource, acct storage.Account) {
	if !acct.TaxTreatment.Untaxed() {
		return
	}
	ivs := make([]postpaid.Interval, len(in.Intervals))
	for i, iv := range in.Intervals {
		iv.TaxRate = decimal.Zero
		ivs[i] = iv
	}
	in.Intervals = ivs
	for i := range in.Usage {
		in.Usage[i].TaxRate = decimal.Zero
	}
}
