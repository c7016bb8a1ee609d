package invoice

// Kind says what a document is. The names are stored, so they never change.
type Kind string

// The kinds of document.
const (
	// KindInvoice asks the customer for money: what an action on a resource
	// costs.
	KindInvoice Kind = "invoice"
	// KindCreditNote gives value back against an issued invoice. Its amounts
	// are positive like an invoice's; the kind, not a sign, says that it
	// reduces what the customer owes or has paid.
	KindCreditNote Kind = "credit_note"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k == KindInvoice || k == KindCreditNote }

// TaxMode says whether a document's prices include the tax. The names are
// stored, so they never change.
type TaxMode string

// The tax modes. Each fixes the identities of every line (see Line):
//
//	exclusive: Net = Amount − Discount, Tax = round(Net × rate), Total = Net + Tax − Coupon
//	inclusive: Total = Amount − Discount, Tax = round(Total × rate ÷ (1 + rate)), Net = Total − Tax
const (
	// TaxExclusive: prices are before tax; tax is added on top.
	TaxExclusive TaxMode = "exclusive"
	// TaxInclusive: prices include the tax; the tax is the part of the
	// discounted price that is tax.
	TaxInclusive TaxMode = "inclusive"
)

// Valid reports whether m is one of the modes above. The empty mode is not
// valid: a document must say which it uses.
func (m TaxMode) Valid() bool { return m == TaxExclusive || m == TaxInclusive }
