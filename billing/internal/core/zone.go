package core

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// Times a host can show. Every view and event payload keeps instants (the
// same moment whichever zone), shown in the account's billing time zone
// and naming that zone (a TimeZone field), so that a due date of
// 2025-04-15T18:00:00Z reaches a customer in Ho Chi Minh City as
// 2025-04-16T01:00:00+07:00 "Asia/Ho_Chi_Minh". Stores may return times
// in any zone (the memory store keeps what it was given, PostgreSQL gives
// UTC); views convert, so both stores show the same.

// Zone is the account's billing time zone: its own, or the default zone
// when it names none or one that does not load (the zone its calendar
// uses). Nil only when not even the default loads.
func (s *Env) Zone(acct storage.Account) *time.Location {
	return s.Rules(acct, "").Calendar().Location()
}

// ZoneName is the IANA name of loc ("Asia/Ho_Chi_Minh"); "" for nil.
func ZoneName(loc *time.Location) string {
	if loc == nil {
		return ""
	}
	return loc.String()
}

// InZone is the instant t shown in loc. A zero time stays the zero time
// (so "absent" keeps its encoding), and a nil loc leaves t as it is.
func InZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() || loc == nil {
		return t
	}
	return t.In(loc)
}

// SpanInZone is sp with both ends shown in loc.
func SpanInZone(sp period.Span, loc *time.Location) period.Span {
	sp.Start, sp.End = InZone(sp.Start, loc), InZone(sp.End, loc)
	return sp
}

// InvoiceInZone is inv with its dates and its lines' periods shown in
// loc; the lines are copied, inv is not changed.
func InvoiceInZone(inv invoice.Invoice, loc *time.Location) invoice.Invoice {
	if loc == nil {
		return inv
	}
	inv.CreatedAt, inv.IssuedAt, inv.DueAt = InZone(inv.CreatedAt, loc), InZone(inv.IssuedAt, loc), InZone(inv.DueAt, loc)
	inv.PaidAt, inv.VoidedAt = InZone(inv.PaidAt, loc), InZone(inv.VoidedAt, loc)
	if inv.Lines != nil {
		lines := make([]invoice.Line, len(inv.Lines))
		for i, l := range inv.Lines {
			l.Period = SpanInZone(l.Period, loc)
			lines[i] = l
		}
		inv.Lines = lines
	}
	return inv
}
