package payment

import (
	"github.com/cloudbill/cloudbill/billing/money"
)

// Balances derives each account's balance from journal entries: the sum of
// its postings (see Posting for the sign). It is how balances are defined;
// a stored balance is a cache that must equal it. Accounts without postings
// are absent from the map.
//
// Every entry must be valid (else Validate's error) and in currency (else
// an *AmountError unwrapping to money.ErrCurrencyMismatch): one customer
// ledger has one currency. currency must be a known code (else the money
// package's *UnknownCurrencyError).
func Balances(currency string, entries ...Entry) (map[LedgerAccount]money.Amount, error) {
	zero, err := money.Zero(currency)
	if err != nil {
		return nil, err
	}
	out := make(map[LedgerAccount]money.Amount)
	for _, e := range entries {
		if err := e.Validate(); err != nil {
			return nil, err
		}
		if err := sameCurrency("entry "+clip(e.ID), e.Postings[0].Amount, zero.Currency()); err != nil {
			return nil, err
		}
		for _, p := range e.Postings {
			b, ok := out[p.Account]
			if !ok {
				b = zero
			}
			if b, err = b.Add(p.Amount); err != nil { // unreachable: currencies checked above
				return nil, err
			}
			out[p.Account] = b
		}
	}
	return out, nil
}
