package period_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// FuzzAddTerm feeds arbitrary instants, terms, zones and bases: AddTerm must
// never panic, must reject exactly the invalid terms, and a valid term must
// end after its start at the right local date.
func FuzzAddTerm(f *testing.F) {
	zones := []string{"", "UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia", "America/Asuncion", "Pacific/Chatham"}
	f.Add(int64(1680652800), int64(0), 12, 0, uint8(0), uint8(0))
	f.Add(int64(1706659200), int64(5), 1, 0, uint8(1), uint8(1))
	f.Add(int64(1710000000), int64(999999999), 0, 30, uint8(2), uint8(0))
	f.Add(int64(1325152800), int64(0), 0, 1, uint8(5), uint8(1))
	f.Add(int64(0), int64(0), -1, 1201, uint8(3), uint8(1))
	f.Fuzz(func(t *testing.T, sec, nsec int64, months, days int, zoneIdx, basisIdx uint8) {
		// Keep instants within years 1900..2200, where zone data is meaningful.
		const lo, hi = -2208988800, 7258118400
		sec = lo + ((sec%(hi-lo))+(hi-lo))%(hi-lo)
		start := time.Unix(sec, ((nsec%1e9)+1e9)%1e9)
		zone := zones[int(zoneIdx)%len(zones)]
		basis := period.Basis(basisIdx % 2)
		c, err := period.NewCalendar(zone, basis)
		if err != nil {
			t.Fatalf("NewCalendar(%q, %s): %v", zone, basis, err)
		}
		term := period.Term{Months: months, Days: days}
		end, err := c.AddTerm(start, term)
		if verr := term.Validate(); verr != nil {
			if !errors.Is(err, period.ErrInvalidTerm) || !end.IsZero() {
				t.Fatalf("AddTerm(%s, %+v) = %s, %v; want zero time and ErrInvalidTerm", start, term, end, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("AddTerm(%s, %+v): %v", start, term, err)
		}
		if !end.After(start) {
			t.Fatalf("%s in %s on %s: %+v from %s ends %s", zone, c.Location(), basis, term, start, end)
		}
		s, err := period.NewSpan(start, end)
		if err != nil || s.Minutes() < 0 {
			t.Fatalf("span %s..%s: %v", start, end, err)
		}
	})
}
