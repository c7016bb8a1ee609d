package einvoice

import (
	"errors"
	"fmt"
)

// Errors the package returns, wrapped with the detail; test with errors.Is.
var (
	// ErrAmount: an amount that cannot be written on an e-invoice
	// (negative, or finer than its currency's minor unit).
	ErrAmount = errors.New("einvoice: invalid amount")
	// ErrUnknownCurrency: no Vietnamese names for a currency's units.
	ErrUnknownCurrency = errors.New("einvoice: unknown currency")
	// ErrSymbol: a symbol, year or invoice number outside the rules
	// (every *SymbolError is one).
	ErrSymbol = errors.New("einvoice: invalid symbol")
	// ErrInvoice: an invoice whose fields break a rule (every
	// *InvoiceError is one).
	ErrInvoice = errors.New("einvoice: invalid invoice")
	// ErrSigner: a signing key or certificate that cannot sign (missing,
	// not RSA, or a certificate of another key).
	ErrSigner = errors.New("einvoice: unusable signer")
	// ErrSignature: a signed invoice whose seller's signature does not
	// verify, with the reason.
	ErrSignature = errors.New("einvoice: signature does not verify")
)

// SymbolError: an invoice symbol, year or number that cannot be written.
type SymbolError struct {
	// Input is the value refused (clipped).
	Input string
	// Reason says what the rule is.
	Reason string
}

func (e *SymbolError) Error() string {
	return fmt.Sprintf("einvoice: invalid symbol or number %q: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrSymbol) true for every *SymbolError.
func (e *SymbolError) Is(target error) bool { return target == ErrSymbol }

// InvoiceError: an invoice that cannot be written, naming the field
// ("lines[2].amount") and the rule.
type InvoiceError struct {
	Field  string
	Reason string
}

func (e *InvoiceError) Error() string {
	return fmt.Sprintf("einvoice: %s %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvoice) true for every *InvoiceError.
func (e *InvoiceError) Is(target error) bool { return target == ErrInvoice }

func fieldErr(field, reason string) *InvoiceError { return &InvoiceError{Field: field, Reason: reason} }
