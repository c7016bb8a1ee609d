package period_test

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// A 12-month term under the provider's 30-day months, and the same term
// under calendar months with month-end clamping.
func ExampleCalendar_AddTerm() {
	thirty, err := period.NewCalendar("", period.ThirtyDayMonths) // Asia/Ho_Chi_Minh
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2023, 4, 5, 9, 30, 0, 0, thirty.Location())
	end, err := thirty.AddTerm(start, period.Months(12))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(period.Months(12), "on", thirty.Basis(), "ends", end.Format("2006-01-02 15:04"))

	calendar, err := period.NewCalendar("", period.CalendarMonths)
	if err != nil {
		fmt.Println(err)
		return
	}
	jan31 := time.Date(2024, 1, 31, 9, 30, 0, 0, calendar.Location())
	for _, n := range []int{1, 2} {
		end, err := calendar.AddTerm(jan31, period.Months(n))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(period.Months(n), "from 2024-01-31 on", calendar.Basis(), "ends", end.Format("2006-01-02"))
	}
	// Output:
	// 12 months on 30-day months ends 2024-03-30 09:30
	// 1 month from 2024-01-31 on calendar months ends 2024-02-29
	// 2 months from 2024-01-31 on calendar months ends 2024-03-31
}

// Span minutes are real elapsed time: 30 days across New York's spring
// forward is an hour short of 30 × 1440 minutes.
func ExampleSpan_MonthFraction() {
	cal, err := period.NewCalendar("America/New_York", period.ThirtyDayMonths)
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, cal.Location())
	end, err := cal.AddTerm(start, period.Days(30))
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := period.NewSpan(start, end)
	if err != nil {
		fmt.Println(err)
		return
	}
	num, den := s.MonthFraction()
	fmt.Println(end.Format(time.RFC3339))
	fmt.Printf("%d/%d of a 30-day price, %s days\n", num, den, s.Days())
	// Output:
	// 2024-03-31T10:00:00-04:00
	// 43140/43200 of a 30-day price, 29.958333 days
}

// Postpaid usage is closed per calendar month in the account's zone.
func ExampleCalendar_MonthSpan() {
	cal, err := period.NewCalendar("", period.ThirtyDayMonths)
	if err != nil {
		fmt.Println(err)
		return
	}
	// 18:00 UTC on Jan 31 is already February in Ho Chi Minh City.
	month := cal.MonthSpan(time.Date(2024, 1, 31, 18, 0, 0, 0, time.UTC))
	fmt.Println(month, month.Minutes())
	// Output:
	// [2024-02-01T00:00:00+07:00, 2024-03-01T00:00:00+07:00) 41760
}

func ExampleParseTerm() {
	for _, s := range []string{"1 month 5 days", "1 months"} {
		t, err := period.ParseTerm(s)
		fmt.Println(t.Months, t.Days, err)
	}
	// Output:
	// 1 5 <nil>
	// 0 0 period: invalid term "1 months": not in canonical form "1 month"
}
