// Package period is the billing calendar: terms (months plus days), the
// day-count basis that turns them into dates, time zones, and half-open
// spans of time measured to the minute.
//
// # Day-count bases
//
// Prices are quoted per 30 days, and the provider sells terms in months. How
// long "a month" is depends on the Basis:
//
//   - ThirtyDayMonths (the default): every month of a term is 30 calendar
//     days. 12 months from 2023-04-05 ends on 2024-03-30 (360 days later).
//   - CalendarMonths: real calendar months counted from the anchor day and
//     clamped to the month's length. Jan 31 + 1 month is Feb 29 in 2024 and
//     Feb 28 in 2023; Jan 31 + 2 months is Mar 31 (computed from Jan 31, not
//     from Feb 29); Oct 31 + 1 month is Nov 30, never Dec 1 as time.AddDate
//     would give.
//
// Either way the extra Days of a Term are calendar days added afterwards.
//
// # Billing anchors
//
// A resource keeps a billing anchor, the start of its first term, and every
// renewal is measured from it (Calendar.Renew): the k-th boundary of an
// anchor is AddMonths(anchor, k), so a resource bought on Jan 31 for one
// calendar month renews to Feb 29 (2028), Mar 31, Apr 30, May 31, never
// drifting to the 29th, and under ThirtyDayMonths it keeps counting 30-day
// blocks. Boundaries keep the anchor's local wall-clock time, so one that
// fell into a DST gap does not move the next. An end that is not a boundary
// of the anchor (after a days term, or after matching end times) starts a
// new schedule there: Renew and Reanchor return the anchor to store next to
// the end.
//
// # Terms a product sells
//
// A TermSet is what one product sells: exact terms (DefaultTerms, the
// renewal cycles 1, 3, 6, 12, 24 and 36 months, when nothing is stated),
// optionally any days-only term within Bounds, and optionally explicit spans
// chosen to the minute within Bounds. TermSet.Check refuses anything else
// with a *NotSoldError (ErrTermNotSold) whose message lists what is sold:
// "period: term 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36 months".
//
// # Wall-clock time and DST
//
// All date arithmetic happens in the Calendar's IANA time zone
// (DefaultTimeZone when none is given): a term ends on the target date at the
// same local wall-clock time as it started. In zones with daylight saving
// time the elapsed time is therefore not always a multiple of 24 hours: a
// 30-day term in America/New_York that spans 2024-03-10 lasts 43140 minutes,
// one that spans 2024-11-03 lasts 43260. A wall-clock time that does not
// exist on the target day is moved forward by the length of the gap, and one
// that exists twice means the first occurrence (the rules of RFC 5545), in
// every zone alike.
//
// # To the minute
//
// Billing counts real elapsed time in whole minutes, truncated: Span.Minutes.
// A span's share of a 30-day price is the exact fraction
// Minutes / MinutesPer30Days (Span.MonthFraction), so money code can
// multiply before it divides and round once. Span.Days is for display only.
//
// Spans are half-open, [Start, End), so back-to-back spans never count the
// same minute twice.
//
// Nothing here reads the clock: callers pass every instant in.
package period
