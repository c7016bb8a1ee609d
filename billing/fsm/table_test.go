package fsm_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/billing/fsm"
)

// parcelState and parcelEvent are a small machine for the tests: typed
// strings, as the packages that use fsm declare theirs.
type (
	parcelState string
	parcelEvent string
)

const (
	created   parcelState = "created"
	inTransit parcelState = "in_transit"
	delivered parcelState = "delivered"
	lost      parcelState = "lost"
	canceled  parcelState = "canceled"

	ship    parcelEvent = "ship"
	delay   parcelEvent = "delay"
	deliver parcelEvent = "deliver"
	lose    parcelEvent = "lose"
	cancel  parcelEvent = "cancel"
)

type row = fsm.Transition[parcelState, parcelEvent]

// parcelTable returns a fresh table, the way the domain packages build
// theirs: from a function, so no test can change another's rows.
func parcelTable() fsm.Table[parcelState, parcelEvent] {
	return fsm.Table[parcelState, parcelEvent]{
		{From: created, Event: ship, To: inTransit},
		{From: created, Event: cancel, To: canceled},
		{From: inTransit, Event: delay, To: inTransit},
		{From: inTransit, Event: deliver, To: delivered},
		{From: inTransit, Event: lose, To: lost},
	}
}

var (
	parcelStates = []parcelState{created, inTransit, delivered, lost, canceled}
	parcelEvents = []parcelEvent{ship, delay, deliver, lose, cancel}
	oddStates    = []parcelState{"", "Created", "created ", "returned"}
	oddEvents    = []parcelEvent{"", "Ship", "return"}
)

func TestNextEveryStateAndEventPair(t *testing.T) {
	legal := map[parcelState]map[parcelEvent]parcelState{
		created:   {ship: inTransit, cancel: canceled},
		inTransit: {delay: inTransit, deliver: delivered, lose: lost},
	}
	tbl := parcelTable()
	pairs := 0
	for _, from := range append(append([]parcelState{}, parcelStates...), oddStates...) {
		for _, ev := range append(append([]parcelEvent{}, parcelEvents...), oddEvents...) {
			want, ok := legal[from][ev]
			name := fmt.Sprintf("%q on %q has no row and stays", ev, from)
			if ok {
				name = fmt.Sprintf("%s on %s goes to %s", ev, from, want)
			} else {
				want = from
			}
			t.Run(name, func(t *testing.T) {
				got, gotOK := tbl.Next(from, ev)
				assert.Equal(t, ok, gotOK)
				assert.Equal(t, want, got)
			})
			pairs++
		}
	}
	assert.Equal(t, 9*8, pairs)
}

func TestTerminalAndHas(t *testing.T) {
	tests := []struct {
		name     string
		s        parcelState
		terminal bool
		has      bool
	}{
		{"created has 2 rows leaving, so is not terminal", created, false, true},
		{"in_transit has 3 rows leaving, one back to itself, so is not terminal", inTransit, false, true},
		{"delivered is reached and never left, so is terminal", delivered, true, true},
		{"lost is reached and never left, so is terminal", lost, true, true},
		{"canceled is reached and never left, so is terminal", canceled, true, true},
		{"an unknown state is neither known nor terminal", "returned", false, false},
		{"the empty state is neither known nor terminal", "", false, false},
		{"a state differing only in case is unknown", "Delivered", false, false},
	}
	tbl := parcelTable()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.terminal, tbl.Terminal(tt.s))
			assert.Equal(t, tt.has, tbl.Has(tt.s))
		})
	}
}

func TestStartStateWithNoRowInIsKnownButNotTerminal(t *testing.T) {
	// created is only ever a From: Has must see it there too.
	tbl := fsm.Table[parcelState, parcelEvent]{{From: created, Event: cancel, To: canceled}}
	assert.True(t, tbl.Has(created))
	assert.False(t, tbl.Terminal(created))
	assert.True(t, tbl.Has(canceled))
	assert.True(t, tbl.Terminal(canceled))
}

func TestEmptyTableKnowsNothing(t *testing.T) {
	for name, tbl := range map[string]fsm.Table[parcelState, parcelEvent]{
		"nil table":   nil,
		"empty table": {},
	} {
		t.Run(name+" refuses every pair and has no terminal state", func(t *testing.T) {
			got, ok := tbl.Next(created, ship)
			assert.False(t, ok)
			assert.Equal(t, created, got)
			assert.False(t, tbl.Terminal(created))
			assert.False(t, tbl.Has(created))
		})
	}
}

func TestRepeatedPairFirstRowWins(t *testing.T) {
	tbl := fsm.Table[parcelState, parcelEvent]{
		{From: inTransit, Event: deliver, To: delivered},
		{From: inTransit, Event: deliver, To: lost},
	}
	got, ok := tbl.Next(inTransit, deliver)
	assert.True(t, ok)
	assert.Equal(t, delivered, got)
}

func TestLookupsDoNotChangeTheTable(t *testing.T) {
	tbl := parcelTable()
	for _, s := range parcelStates {
		for _, ev := range parcelEvents {
			tbl.Next(s, ev)
		}
		tbl.Terminal(s)
		tbl.Has(s)
	}
	assert.Equal(t, parcelTable(), tbl)
}

func TestLookupsOnALocalArrayDoNotAllocate(t *testing.T) {
	rows := [...]row{
		{From: created, Event: ship, To: inTransit},
		{From: inTransit, Event: deliver, To: delivered},
	}
	allocs := testing.AllocsPerRun(100, func() {
		tbl := fsm.Table[parcelState, parcelEvent](rows[:])
		_, _ = tbl.Next(created, ship)
		_ = tbl.Terminal(delivered)
		_ = tbl.Has(lost)
	})
	assert.Zero(t, allocs)
}

func BenchmarkNext(b *testing.B) {
	b.ReportAllocs()
	tbl := parcelTable()
	for b.Loop() {
		if _, ok := tbl.Next(inTransit, lose); !ok {
			b.Fatal("lose on in_transit has a row")
		}
	}
}
