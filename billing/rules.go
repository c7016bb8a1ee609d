package billing

import (
	"sync"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// rulesCache keeps the lifecycle rules built for each (time zone, product):
// building them loads the zone's tzdata from disk, which would otherwise
// happen several times per operation and per due resource in Tick. The
// policies and the day-count basis are fixed when the System is built, so
// an entry never goes stale.
type rulesCache struct {
	m sync.Map // rulesKey → lifecycle.Rules
}

type rulesKey struct{ zone, product string }

// rules returns the lifecycle rules of a product for an account: the
// product's policy (or the default) in the account's billing calendar.
func (s *System) rules(acct Account, productID string) lifecycle.Rules {
	key := rulesKey{acct.TimeZone, productID}
	if r, ok := s.rulesCache.m.Load(key); ok {
		return r.(lifecycle.Rules)
	}
	p, ok := s.cfg.Lifecycle[productID]
	if !ok {
		p = *s.cfg.DefaultLifecycle
	}
	cal, err := period.NewCalendar(acct.TimeZone, s.cfg.Basis)
	if err != nil {
		// Zones are validated when accounts are created; an account
		// stored by another means falls back to the default zone.
		if cal, err = period.NewCalendar(s.cfg.DefaultTimeZone, s.cfg.Basis); err != nil {
			return lifecycle.Rules{}
		}
	}
	r, err := lifecycle.NewRules(p, cal)
	if err != nil {
		return lifecycle.Rules{} // policies are validated by New
	}
	s.rulesCache.m.Store(key, r)
	return r
}
