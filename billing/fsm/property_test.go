package fsm_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/fsm"
)

// TestTableLookupsAgreeWithItsRows checks, for random tables over a small
// alphabet (so that pairs repeat and states are shared), that Next, Has and
// Terminal say exactly what the rows say.
func TestTableLookupsAgreeWithItsRows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		state := rapid.IntRange(0, 4)
		event := rapid.IntRange(0, 3)
		tbl := rapid.Custom(func(t *rapid.T) fsm.Transition[int, int] {
			return fsm.Transition[int, int]{From: state.Draw(t, "from"), Event: event.Draw(t, "event"), To: state.Draw(t, "to")}
		})
		rows := fsm.Table[int, int](rapid.SliceOfN(tbl, 0, 12).Draw(t, "rows"))

		for s := -1; s <= 5; s++ {
			leaves, known := false, false
			for e := -1; e <= 4; e++ {
				var first *fsm.Transition[int, int]
				for i := range rows {
					if rows[i].From == s && rows[i].Event == e {
						first = &rows[i]
						break
					}
				}
				got, ok := rows.Next(s, e)
				switch {
				case first == nil && (ok || got != s):
					t.Fatalf("Next(%d, %d) = %d, %v; no row, so want %d, false", s, e, got, ok, s)
				case first != nil && (!ok || got != first.To):
					t.Fatalf("Next(%d, %d) = %d, %v; first row says %d", s, e, got, ok, first.To)
				}
				leaves = leaves || ok
			}
			for _, r := range rows {
				known = known || r.From == s || r.To == s
			}
			if rows.Has(s) != known {
				t.Fatalf("Has(%d) = %v; rows say %v", s, rows.Has(s), known)
			}
			if want := known && !leaves; rows.Terminal(s) != want {
				t.Fatalf("Terminal(%d) = %v; want %v (known %v, a row leaves %v)", s, rows.Terminal(s), want, known, leaves)
			}
		}
	})
}
