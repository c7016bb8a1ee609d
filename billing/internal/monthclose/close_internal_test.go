package monthclose

import (
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// TestBillIDAndMemoAreTimeFormat checks the hand-written bill id and memo
// against time.Format over years, months and zones.
func TestBillIDAndMemoAreTimeFormat(t *testing.T) {
	for _, zone := range []string{"UTC", "Asia/Ho_Chi_Minh", "America/New_York"} {
		cal, err := period.NewCalendar(zone, period.ThirtyDayMonths)
		if err != nil {
			t.Fatal(err)
		}
		loc := cal.Location()
		for _, y := range []int{1, 9, 10, 99, 100, 999, 1000, 2026, 9999, 10000} {
			for m := time.January; m <= time.December; m++ {
				start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
				month := period.Span{Start: start, End: start.AddDate(0, 1, 0)}
				if got, want := billID("res_1", month, cal), "bill_res_1_"+start.Format("2006-01"); got != want {
					t.Fatalf("billID = %q, want %q", got, want)
				}
				if got, want := billMemo(start), "Postpaid bill for "+start.Format("January 2006"); got != want {
					t.Fatalf("billMemo = %q, want %q", got, want)
				}
			}
		}
	}
}
