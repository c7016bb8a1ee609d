package einvoice

import "errors"

// Errors the package returns, wrapped with the detail; test with errors.Is.
var (
	// ErrAmount: an amount that cannot be written on an e-invoice
	// (negative, or finer than its currency's minor unit).
	ErrAmount = errors.New("einvoice: invalid amount")
	// ErrUnknownCurrency: no Vietnamese names for a currency's units.
	ErrUnknownCurrency = errors.New("einvoice: unknown currency")
)
