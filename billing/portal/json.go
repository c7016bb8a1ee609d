package portal

import (
	"maps"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// The JSON the portal sends. Keys are snake_case, ids are strings, money is
// a string "<number> <currency>" ("181000 VND", "12.50 USD": the
// money.Amount encoding, never a JSON number), decimals that are not money
// (quantities, tax rates) are strings, and times are RFC 3339. Fields are
// only ever added.

// Page is one page of a list. NextCursor, when present, is passed back as
// the cursor query parameter to get the next page; it is opaque.
type Page[T any] struct {
	// Data are the page's items; an empty page is [], never null.
	Data []T `json:"data"`
	// NextCursor is absent on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// Resource is a resource with its billing status.
type Resource struct {
	ID string `json:"id"`
	// OrderID is the order that bought it; ProductID its catalog product.
	OrderID   string `json:"order_id"`
	ProductID string `json:"product_id"`
	// ProductName is the catalog's name of the product ("vServer").
	ProductName string `json:"product_name,omitempty"`
	// Name is the host's name for the resource; absent when it has none.
	Name          string        `json:"name,omitempty"`
	Configuration Configuration `json:"configuration"`
	// State is the lifecycle state (pending_payment, provisioning, active,
	// grace, suspended, released, deleted, failed).
	State string `json:"state"`
	// BillingStatus is good, warning, alerted or expired while the
	// resource has a running term; absent otherwise.
	BillingStatus string `json:"billing_status,omitempty"`
	// PeriodStart and PeriodEnd bound the paid term: PeriodEnd is when it
	// ends. Absent until the resource is active.
	PeriodStart time.Time `json:"period_start,omitzero"`
	PeriodEnd   time.Time `json:"period_end,omitzero"`
	// PricePer30Days is the configuration's price per 30 days.
	PricePer30Days money.Amount `json:"price_per_30_days"`
	// AutoRenew says whether automatic renewal is on.
	AutoRenew bool `json:"auto_renew"`
	// AutoRenewTerm is what each automatic renewal buys ("1 month");
	// absent for a postpaid resource.
	AutoRenewTerm string `json:"auto_renew_term,omitempty"`
	// InvoiceIDs are the resource's invoices and credit notes.
	InvoiceIDs []string  `json:"invoice_ids"`
	CreatedAt  time.Time `json:"created_at"`
}

// Configuration is what a resource was bought with: a plan, components
// with their quantities, or both.
type Configuration struct {
	// Plan is the catalog plan's id, absent for none.
	Plan string `json:"plan,omitempty"`
	// Components maps component ids ("vcpu") to quantities.
	Components map[string]int64 `json:"components,omitempty"`
}

// Invoice is an invoice or a credit note (Kind) with its lines.
type Invoice struct {
	ID string `json:"id"`
	// Kind is invoice or credit_note.
	Kind       string `json:"kind"`
	ResourceID string `json:"resource_id"`
	// Number is the display number ("INV-2026-000042"); absent on a draft.
	Number string `json:"number,omitempty"`
	// Series is the number's series ("INV-2026").
	Series string `json:"series,omitempty"`
	// Status is draft, issued (shown as unpaid on an invoice),
	// partially_paid, paid or void.
	Status string `json:"status"`
	// Currency is the ISO 4217 code of every amount.
	Currency string `json:"currency"`
	// TaxMode is exclusive (prices before tax) or inclusive.
	TaxMode string `json:"tax_mode"`
	// The totals reconcile exactly: net + tax = total, and subtotal −
	// discount = net (exclusive) or total (inclusive).
	Subtotal       money.Amount `json:"subtotal"`
	Discount       money.Amount `json:"discount"`
	Net            money.Amount `json:"net"`
	Tax            money.Amount `json:"tax"`
	Total          money.Amount `json:"total"`
	AmountPaid     money.Amount `json:"amount_paid"`
	AmountCredited money.Amount `json:"amount_credited"`
	// AmountDue is what is left to pay; zero on a credit note.
	AmountDue money.Amount `json:"amount_due"`
	// The document's dates, each absent until it happens.
	CreatedAt time.Time `json:"created_at"`
	IssuedAt  time.Time `json:"issued_at,omitzero"`
	DueAt     time.Time `json:"due_at,omitzero"`
	PaidAt    time.Time `json:"paid_at,omitzero"`
	VoidedAt  time.Time `json:"voided_at,omitzero"`
	// CreditedInvoiceID is, on a credit note, the invoice it corrects.
	CreditedInvoiceID string `json:"credited_invoice_id,omitempty"`
	// Memo is free text; on a credit note, its reason.
	Memo string `json:"memo,omitempty"`
	// Lines are present on the single-invoice response only.
	Lines []Line `json:"lines,omitempty"`
}

// Line is one line of an invoice or credit note.
type Line struct {
	// Description says what the line is for.
	Description string `json:"description"`
	// ResourceID, ResourceName, Product, Service, Item and Unit say what
	// the line bills (invoice.Line's fields of those names); each absent
	// when the line does not carry it, as lines issued before them.
	ResourceID   string `json:"resource_id,omitempty"`
	ResourceName string `json:"resource_name,omitempty"`
	Product      string `json:"product,omitempty"`
	Service      string `json:"service,omitempty"`
	Item         string `json:"item,omitempty"`
	Unit         string `json:"unit,omitempty"`
	// PeriodStart and PeriodEnd bound what the line pays for, to the
	// minute; absent for a one-off line.
	PeriodStart time.Time `json:"period_start,omitzero"`
	PeriodEnd   time.Time `json:"period_end,omitzero"`
	// Quantity is a decimal string ("1", "5.5").
	Quantity string `json:"quantity"`
	// UnitPrice may have more digits than the currency ("7.7 VND").
	UnitPrice money.Amount `json:"unit_price"`
	// Amount − discount = net (exclusive) and net + tax = total.
	Amount   money.Amount `json:"amount"`
	Discount money.Amount `json:"discount"`
	// DiscountRate is the rate of a postpaid discount as a fraction ("0.1"
	// is 10%); absent when none applied.
	DiscountRate string       `json:"discount_rate,omitempty"`
	Net          money.Amount `json:"net"`
	// TaxRate is a fraction: "0.1" is 10%.
	TaxRate string       `json:"tax_rate"`
	Tax     money.Amount `json:"tax"`
	// Coupon is what coupons took off after tax (a postpaid bill's line)
	// and CouponCodes their codes; both absent when none did.
	Coupon      money.Amount `json:"coupon,omitzero"`
	CouponCodes []string     `json:"coupon_codes,omitempty"`
	Total       money.Amount `json:"total"`
	// Details explain how the line was priced.
	Details []string `json:"details,omitempty"`
}

// Wallet is an account's credit.
type Wallet struct {
	// Currency is the account's currency.
	Currency string `json:"currency"`
	// Available is what can be spent now: cash plus unexpired promotional
	// credit.
	Available money.Amount `json:"available"`
	// Cash is credit from top-ups and refunds; it does not expire.
	Cash money.Amount `json:"cash"`
	// Promotional lists what is left of each promotional grant, soonest
	// expiry first.
	Promotional []PromotionalCredit `json:"promotional"`
	// Held is credit set aside for payments in progress.
	Held money.Amount `json:"held"`
}

// PromotionalCredit is what is left of one promotional grant.
type PromotionalCredit struct {
	GrantID string `json:"grant_id"`
	// Amount is what is left of the grant.
	Amount money.Amount `json:"amount"`
	// ExpiresAt is when what is left expires.
	ExpiresAt time.Time `json:"expires_at"`
}

// WalletEntry is one movement of the wallet's history, oldest first.
type WalletEntry struct {
	// ID is the journal entry's id.
	ID string `json:"id"`
	// Kind is top_up, payment, refund, promo_grant, promo_expire, hold,
	// release, capture or gateway_payment.
	Kind string `json:"kind"`
	// RefType and RefID name what the movement was for (a payment, an
	// invoice, a grant).
	RefType string `json:"ref_type,omitempty"`
	RefID   string `json:"ref_id,omitempty"`
	Memo    string `json:"memo,omitempty"`
	// At is when the movement happened.
	At time.Time `json:"at"`
	// Change is how spendable credit moved (negative for spending).
	Change money.Amount `json:"change"`
	// CreditAfter is the spendable credit right after the entry.
	CreditAfter money.Amount `json:"credit_after"`
}

// Payment is a payment of the account, a top-up included.
type Payment struct {
	ID string `json:"id"`
	// Purpose is order, invoice, top_up or payment_link; PurposeRef its id.
	Purpose    string `json:"purpose"`
	PurposeRef string `json:"purpose_ref,omitempty"`
	// Method is credit, top_up_and_pay, gateway or linked_account.
	Method string `json:"method"`
	// Status is created, pending, succeeded, failed, expired, canceled,
	// partially_refunded or refunded.
	Status string `json:"status"`
	// Amount = from_credit + from_gateway; refunded is what went back.
	Amount      money.Amount `json:"amount"`
	FromCredit  money.Amount `json:"from_credit"`
	FromGateway money.Amount `json:"from_gateway"`
	Refunded    money.Amount `json:"refunded"`
	// Gateway names the gateway of the gateway part, if any.
	Gateway string `json:"gateway,omitempty"`
	// RedirectURL is where to send the customer to finish a pending
	// redirect payment.
	RedirectURL string `json:"redirect_url,omitempty"`
	// LinkedAccountID is the linked account charged, if any.
	LinkedAccountID string `json:"linked_account_id,omitempty"`
	// FailureReason says why a payment failed.
	FailureReason string `json:"failure_reason,omitempty"`
	Description   string `json:"description,omitempty"`
	// ExpiresAt is when an unfinished gateway payment expires.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// LinkedAccount is a linked payment method, masked.
type LinkedAccount struct {
	ID      string `json:"id"`
	Gateway string `json:"gateway"`
	// Display is the masked name to show ("MoMo •••• 4242").
	Display string `json:"display"`
	// IsDefault marks the account charged when a payment names none.
	IsDefault bool      `json:"is_default"`
	CreatedAt time.Time `json:"created_at"`
}

// TopUpRequest is the body of POST /top-ups.
type TopUpRequest struct {
	// Amount is the money to add, e.g. "500000 VND"; required.
	Amount money.Amount `json:"amount"`
	// Gateway names the gateway of a redirect top-up; "" means the
	// portal's default gateway.
	Gateway string `json:"gateway,omitempty"`
	// LinkedAccountID charges a linked account instead of a redirect.
	LinkedAccountID string `json:"linked_account_id,omitempty"`
	// ReturnURL is where the gateway sends the customer back to.
	ReturnURL string `json:"return_url,omitempty"`
}

// LinkRequest is the body of POST /linked-accounts.
type LinkRequest struct {
	// Gateway names the gateway; "" means the portal's default gateway.
	Gateway string `json:"gateway,omitempty"`
	// ReturnURL is where the gateway sends the customer back to.
	ReturnURL string `json:"return_url,omitempty"`
}

// LinkStart says where to send the customer to authorise a new link.
type LinkStart struct {
	// LinkID is the pending linked account's id.
	LinkID string `json:"link_id"`
	// RedirectURL is the gateway's page where the customer authorises it.
	RedirectURL string `json:"redirect_url"`
}

// resourceJSON is r with its product's name from the catalog of its
// currency.
func (h *Handler) resourceJSON(r billing.Resource) Resource {
	out := resourceJSON(r)
	if cat, err := h.sys.CatalogFor(r.PricePer30Days.Currency().Code()); err == nil {
		if p, err := cat.Product(r.ProductID); err == nil {
			out.ProductName = p.Name
		}
	}
	return out
}

func resourceJSON(r billing.Resource) Resource {
	out := Resource{
		ID: r.ID, OrderID: r.OrderID, ProductID: r.ProductID, Name: r.Name, State: string(r.State),
		BillingStatus: string(r.BillingStatus), PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
		PricePer30Days: r.PricePer30Days, AutoRenew: r.AutoRenew, InvoiceIDs: slices.Clone(r.InvoiceIDs),
		CreatedAt:     r.CreatedAt,
		Configuration: Configuration{Plan: r.Configuration.Plan, Components: maps.Clone(r.Configuration.Components)},
	}
	if r.AutoRenewTerm != (period.Term{}) {
		out.AutoRenewTerm = r.AutoRenewTerm.String()
	}
	if out.InvoiceIDs == nil {
		out.InvoiceIDs = []string{}
	}
	return out
}

func invoiceJSON(inv invoice.Invoice, withLines bool) Invoice {
	out := Invoice{
		ID: inv.ID, Kind: string(inv.Kind), ResourceID: inv.ResourceID, Number: inv.DisplayNumber(), Series: inv.Series,
		Status: string(inv.Status), Currency: inv.Currency, TaxMode: string(inv.TaxMode),
		Subtotal: inv.Subtotal, Discount: inv.Discount, Net: inv.Net, Tax: inv.Tax, Total: inv.Total,
		AmountPaid: inv.AmountPaid, AmountCredited: inv.AmountCredited, AmountDue: inv.AmountDue(),
		CreatedAt: inv.CreatedAt, IssuedAt: inv.IssuedAt, DueAt: inv.DueAt, PaidAt: inv.PaidAt, VoidedAt: inv.VoidedAt,
		CreditedInvoiceID: inv.CreditedInvoiceID, Memo: inv.Memo,
	}
	if withLines {
		out.Lines = make([]Line, len(inv.Lines))
		for i, l := range inv.Lines {
			out.Lines[i] = Line{
				Description: l.Description, PeriodStart: l.Period.Start, PeriodEnd: l.Period.End,
				Quantity: l.Quantity.String(), UnitPrice: l.UnitPrice, Amount: l.Amount, Discount: l.Discount,
				Net: l.Net, TaxRate: l.TaxRate.String(), Tax: l.Tax, Total: l.Total, Details: slices.Clone(l.Details),
				ResourceID: l.ResourceID, ResourceName: l.ResourceName, Product: l.Product, Service: l.Service, Item: l.Item, Unit: l.Unit,
			}
			if !l.DiscountRate.IsZero() {
				out.Lines[i].DiscountRate = l.DiscountRate.String()
			}
			if l.Coupon.IsPositive() {
				out.Lines[i].Coupon, out.Lines[i].CouponCodes = l.Coupon, slices.Clone(l.CouponCodes)
			}
		}
	}
	return out
}

func walletJSON(w billing.Wallet, currency string) Wallet {
	out := Wallet{Currency: currency, Available: w.Available, Cash: w.Cash, Held: w.Held, Promotional: []PromotionalCredit{}}
	for _, p := range w.Promotional {
		out.Promotional = append(out.Promotional, PromotionalCredit{GrantID: p.GrantID, Amount: p.Amount, ExpiresAt: p.ExpiresAt})
	}
	return out
}

func walletEntryJSON(e billing.WalletEntry) WalletEntry {
	return WalletEntry{ID: e.ID, Kind: string(e.Kind), RefType: e.RefType, RefID: e.RefID, Memo: e.Memo, At: e.At,
		Change: e.Change, CreditAfter: e.CreditAfter}
}

func paymentJSON(p billing.Payment) Payment {
	return Payment{
		ID: p.ID, Purpose: string(p.Purpose.Kind), PurposeRef: p.Purpose.Ref, Method: string(p.Method), Status: string(p.Status),
		Amount: p.Amount, FromCredit: p.FromCredit, FromGateway: p.FromGateway, Refunded: p.Refunded,
		Gateway: p.Gateway, RedirectURL: p.RedirectURL, LinkedAccountID: p.LinkedAccountID,
		FailureReason: p.FailureReason, Description: p.Description, ExpiresAt: p.ExpiresAt,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func linkedJSON(list []billing.LinkedAccount) []LinkedAccount {
	out := make([]LinkedAccount, 0, len(list))
	for _, l := range list {
		out = append(out, LinkedAccount{ID: l.ID, Gateway: l.Gateway, Display: l.Display, IsDefault: l.IsDefault, CreatedAt: l.CreatedAt})
	}
	return out
}
