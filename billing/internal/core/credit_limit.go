package core

import (
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// accountCreditLimit is the credit-limit policy of acct's postpaid
// purchases: the configured one for its currency, with the account's own
// limit when it has one.
func (s *Env) AccountCreditLimit(acct storage.Account) lifecycle.CreditLimitPolicy {
	p := s.creditLimitFor(acct.Currency)
	if !acct.CreditLimit.Currency().IsZero() {
		p.Limit = acct.CreditLimit
	}
	return p
}
