package fsm

// Transition is one row of a state table: Event moves something in state
// From to state To. S and E are the caller's state and event types, normally
// string types with named constants, so a row cannot mix up the two.
type Transition[S, E comparable] struct {
	// From is the state the row applies to.
	From S
	// Event is what happened.
	Event E
	// To is the state that Event leads to from From.
	To S
}

// Table is a state table: the legal changes, one row per (From, Event)
// pair. A pair that has no row is illegal. A table should not repeat a
// pair; if it does, the first row wins. The nil Table has no rows, so every
// pair is illegal and no state is known.
type Table[S, E comparable] []Transition[S, E]

// Next returns the state that ev moves something in from to, and true; or,
// when the table has no row for (from, ev), from itself and false, so that a
// caller refusing the change can hand back the state unchanged.
func (t Table[S, E]) Next(from S, ev E) (S, bool) {
	for _, r := range t {
		if r.From == from && r.Event == ev {
			return r.To, true
		}
	}
	return from, false
}

// Terminal reports whether s is a state of the table (Has) that no row
// leaves: nothing can move it any more. A state the table does not mention
// is not terminal, because a name the machine does not know says nothing
// about where it ends.
func (t Table[S, E]) Terminal(s S) bool {
	known := false
	for _, r := range t {
		if r.From == s {
			return false
		}
		if r.To == s {
			known = true
		}
	}
	return known
}

// Has reports whether s is the From or the To of some row: a state that
// something governed by the table can be in.
func (t Table[S, E]) Has(s S) bool {
	for _, r := range t {
		if r.From == s || r.To == s {
			return true
		}
	}
	return false
}
