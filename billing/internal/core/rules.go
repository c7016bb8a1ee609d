package core

import (
	"sync"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// RulesCache keeps the lifecycle rules built for each (time zone, product):
// building them loads the zone's tzdata from disk, which would otherwise
// happen several times per operation and per due resource in Tick. The
// policies and the day-count basis are fixed when the System is built, so
// an entry never goes stale.
type RulesCache struct {
	m sync.Map // rulesKey → lifecycle.Rules
}

type rulesKey struct{ zone, product string }

// Rules returns the lifecycle rules of a product for an account: the
// product's policy (or the default) in the account's billing calendar.
func (s *Env) Rules(acct storage.Account, productID string) lifecycle.Rules {
	key := rulesKey{acct.TimeZone, productID}
	if r, ok := s.RulesCache.m.Load(key); ok {
		return r.(lifecycle.Rules)
	}
	p, ok := s.Cfg.Lifecycle[productID]
	if !ok {
		p = *s.Cfg.DefaultLifecycle
	}
	cal, err := period.NewCalendar(acct.TimeZone, s.Cfg.Basis)
	if err != nil {
		// Zones are validated when accounts are created; an account
		// stored by another means falls back to the default zone.
		if cal, err = period.NewCalendar(s.Cfg.DefaultTimeZone, s.Cfg.Basis); err != nil {
			return lifecycle.Rules{}
		}
	}
	r, err := lifecycle.NewRules(p, cal)
	if err != nil {
		return lifecycle.Rules{} // policies are validated by New
	}
	s.RulesCache.m.Store(key, r)
	return r
}
