package period_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// A resource bought on Jan 31 for one calendar month and renewed month by
// month stays on the 31st, clamped only in short months. The host stores
// the anchor and the end that Renew returns and passes both back next time.
func ExampleCalendar_Renew() {
	cal, err := period.NewCalendar("", period.CalendarMonths) // Asia/Ho_Chi_Minh
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2028, 1, 31, 9, 30, 0, 0, cal.Location())
	r, err := cal.Renew(start, start, period.Months(1)) // the first purchase
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("bought:", r.Span.End.Format("2006-01-02 15:04"))
	for range 4 {
		if r, err = cal.Renew(r.Anchor, r.Span.End, period.Months(1)); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("renewed:", r.Span.End.Format("2006-01-02 15:04"), "anchor", r.Anchor.Format("2006-01-02"))
	}
	// A days term extends from the end and leaves the schedule; months
	// then count from there.
	if r, err = cal.Renew(r.Anchor, r.Span.End, period.Days(3)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("3 days:", r.Span.End.Format("2006-01-02 15:04"), "anchor", r.Anchor.Format("2006-01-02"))
	// Output:
	// bought: 2028-02-29 09:30
	// renewed: 2028-03-31 09:30 anchor 2028-01-31
	// renewed: 2028-04-30 09:30 anchor 2028-01-31
	// renewed: 2028-05-31 09:30 anchor 2028-01-31
	// renewed: 2028-06-30 09:30 anchor 2028-01-31
	// 3 days: 2028-07-03 09:30 anchor 2028-07-03
}

// After matching end times the end is usually off the schedule, and the
// next renewal counts from it; an end on a boundary keeps the anchor.
func ExampleCalendar_Reanchor() {
	cal, err := period.NewCalendar("", period.CalendarMonths)
	if err != nil {
		fmt.Println(err)
		return
	}
	anchor := time.Date(2028, 1, 31, 9, 30, 0, 0, cal.Location())
	for _, end := range []time.Time{
		time.Date(2028, 4, 30, 9, 30, 0, 0, cal.Location()),
		time.Date(2028, 4, 15, 0, 0, 0, 0, cal.Location()),
	} {
		fmt.Println(end.Format("2006-01-02 15:04"), "->", cal.Reanchor(anchor, end).Format("2006-01-02 15:04"))
	}
	// Output:
	// 2028-04-30 09:30 -> 2028-01-31 09:30
	// 2028-04-15 00:00 -> 2028-04-15 00:00
}

// A product sells the default renewal cycles unless it states otherwise;
// anything else is a typed error that says what is sold.
func ExampleTermSet_Check() {
	var sold period.TermSet // the zero set: 1, 3, 6, 12, 24, 36 months
	fmt.Println(sold.Check(period.Months(12)))
	err := sold.Check(period.Months(7))
	fmt.Println(err)
	var ns *period.NotSoldError
	if errors.As(err, &ns) {
		fmt.Println(errors.Is(err, period.ErrTermNotSold), ns.Term, "|", ns.Allowed)
	}

	daily := period.TermSet{Terms: period.StandardCycles(), Days: period.Bounds{Min: 1, Max: 90}}
	fmt.Println(daily.Check(period.Days(60)))
	// Output:
	// <nil>
	// period: term 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36 months
	// true 7 months | 1, 3, 6, 12, 24, 36 months
	// <nil>
}
