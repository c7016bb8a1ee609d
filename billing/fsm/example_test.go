package fsm_test

import (
	"fmt"

	"github.com/cloudbill/cloudbill/billing/fsm"
)

// A ticket's states and events are typed strings, so a row cannot put an
// event where a state belongs.
type (
	ticketState string
	ticketEvent string
)

const (
	ticketOpen     ticketState = "open"
	ticketResolved ticketState = "resolved"
	ticketClosed   ticketState = "closed"

	ticketResolve ticketEvent = "resolve"
	ticketReopen  ticketEvent = "reopen"
	ticketClose   ticketEvent = "close"
)

// ticketTable is built by a function, not held in a variable, so nothing
// can change it at run time.
func ticketTable() fsm.Table[ticketState, ticketEvent] {
	return fsm.Table[ticketState, ticketEvent]{
		{From: ticketOpen, Event: ticketResolve, To: ticketResolved},
		{From: ticketResolved, Event: ticketReopen, To: ticketOpen},
		{From: ticketResolved, Event: ticketClose, To: ticketClosed},
	}
}

func ExampleTable() {
	t := ticketTable()

	to, ok := t.Next(ticketOpen, ticketResolve)
	fmt.Println(to, ok)

	// No row: the ticket stays where it is, and the caller reports its own
	// typed error.
	to, ok = t.Next(ticketOpen, ticketClose)
	fmt.Println(to, ok)

	for _, s := range []ticketState{ticketOpen, ticketResolved, ticketClosed, "archived"} {
		fmt.Printf("%s: known %v, terminal %v\n", s, t.Has(s), t.Terminal(s))
	}
	// Output:
	// resolved true
	// open false
	// open: known true, terminal false
	// resolved: known true, terminal false
	// closed: known true, terminal true
	// archived: known false, terminal false
}
