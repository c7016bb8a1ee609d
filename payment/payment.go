package payment

import (
	"strconv"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Method is how a payment is paid. The names are stored, so they never
// change.
type Method string

// The payment methods of the checkout.
const (
	// MethodCredit pays everything from the wallet, or nothing.
	MethodCredit Method = "credit"
	// MethodTopUpAndPay uses all available credit and pays the rest through
	// a gateway.
	MethodTopUpAndPay Method = "top_up_and_pay"
	// MethodGateway pays everything through a gateway with a redirect,
	// without touching the wallet.
	MethodGateway Method = "gateway"
	// MethodLinkedAccount pays everything by charging a stored gateway token
	// (a linked account) without a redirect, without touching the wallet.
	MethodLinkedAccount Method = "linked_account"
)

// Valid reports whether m is one of the methods above.
func (m Method) Valid() bool {
	switch m {
	case MethodCredit, MethodTopUpAndPay, MethodGateway, MethodLinkedAccount:
		return true
	}
	return false
}

// ParseMethod returns the method named s exactly, or an *ArgumentError.
func ParseMethod(s string) (Method, error) {
	if v := Method(s); v.Valid() {
		return v, nil
	}
	return "", &ArgumentError{Name: "method", Reason: "unknown method " + strconv.Quote(clip(s))}
}

// PurposeKind is what a payment pays for. The names are stored, so they
// never change.
type PurposeKind string

// The purposes of a payment.
const (
	// PurposeTopUp adds cash credit to the wallet.
	PurposeTopUp PurposeKind = "top_up"
	// PurposeOrder pays a checkout: a purchase, renewal or resize.
	PurposeOrder PurposeKind = "order"
	// PurposeInvoice pays an invoice (a postpaid bill, say).
	PurposeInvoice PurposeKind = "invoice"
	// PurposePaymentLink pays through a shareable payment link, on behalf
	// of the account's owner; Ref is the link's ID.
	PurposePaymentLink PurposeKind = "payment_link"
)

// Valid reports whether k is one of the purposes above.
func (k PurposeKind) Valid() bool {
	switch k {
	case PurposeTopUp, PurposeOrder, PurposeInvoice, PurposePaymentLink:
		return true
	}
	return false
}

// Purpose is what a payment pays for: a kind and the ID of the top-up,
// order, invoice or payment link.
type Purpose struct {
	Kind PurposeKind `json:"kind"`
	Ref  string      `json:"ref"`
}

// Validate reports an *ArgumentError unless Kind is known and Ref is a
// valid ID (see MaxIDLen).
func (p Purpose) Validate() error {
	if !p.Kind.Valid() {
		return &ArgumentError{Name: "purpose.Kind", Reason: "unknown purpose " + strconv.Quote(clip(string(p.Kind)))}
	}
	return checkID("purpose.Ref", p.Ref)
}

// Allows returns nil if m can pay for p, else a *MethodError
// (ErrMethodNotAllowed), or an *ArgumentError for an invalid purpose or
// method. Orders and invoices take every method. A top-up is paid through a
// gateway or a linked account, never from the wallet it fills. A payment
// link is paid through a gateway only: its payer is not the account's
// owner, so neither the owner's credit nor the owner's linked accounts may
// be used.
func (p Purpose) Allows(m Method) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if !m.Valid() {
		return &ArgumentError{Name: "method", Reason: "unknown method " + strconv.Quote(clip(string(m)))}
	}
	ok := true
	switch p.Kind {
	case PurposeTopUp:
		ok = m == MethodGateway || m == MethodLinkedAccount
	case PurposePaymentLink:
		ok = m == MethodGateway
	}
	if !ok {
		return &MethodError{Method: m, Purpose: p.Kind}
	}
	return nil
}

// Split is how much of a payment comes from the wallet and how much through
// a gateway. Both are in the payment's currency, zero or positive, and add
// up exactly to the payment's amount.
type Split struct {
	FromCredit  money.Amount
	FromGateway money.Amount
}

// NeedsGateway reports whether part of the payment goes through a gateway.
// A payment that does not can settle at once (created → succeeded).
func (s Split) NeedsGateway() bool { return s.FromGateway.IsPositive() }

// SplitPayment divides amount between the wallet and a gateway for method,
// given the credit available now (Wallet.Available):
//   - MethodCredit: all from credit; available < amount is an
//     *InsufficientCreditError (ErrInsufficientCredit).
//   - MethodTopUpAndPay: min(available, amount) from credit and the rest
//     through the gateway. When available covers amount, everything comes
//     from credit and nothing goes through the gateway, so the payment
//     settles at once like MethodCredit; with no credit it is all gateway.
//   - MethodGateway, MethodLinkedAccount: all through the gateway;
//     available is not used and may be the zero Amount.
//
// amount must be payable (see ValidateAmount, *AmountError); available, when
// used, must be zero or positive whole minor units in amount's currency
// (*AmountError); an unknown method is an *ArgumentError.
func SplitPayment(method Method, amount, available money.Amount) (Split, error) {
	if !method.Valid() {
		return Split{}, &ArgumentError{Name: "method", Reason: "unknown method " + strconv.Quote(clip(string(method)))}
	}
	if err := checkAmount("amount", amount); err != nil {
		return Split{}, err
	}
	none, err := money.Zero(amount.Currency().Code())
	if err != nil { // unreachable: amount's currency is known
		return Split{}, err
	}
	if method == MethodGateway || method == MethodLinkedAccount {
		return Split{FromCredit: none, FromGateway: amount}, nil
	}
	if err := checkBalance("available", available, amount.Currency()); err != nil {
		return Split{}, err
	}
	c, err := available.Cmp(amount)
	if err != nil { // unreachable: currency checked above
		return Split{}, err
	}
	if c >= 0 {
		return Split{FromCredit: amount, FromGateway: none}, nil
	}
	if method == MethodCredit {
		return Split{}, &InsufficientCreditError{Requested: amount, Available: available}
	}
	rest, err := amount.Sub(available)
	if err != nil { // unreachable: currency checked above
		return Split{}, err
	}
	return Split{FromCredit: available, FromGateway: rest}, nil
}
