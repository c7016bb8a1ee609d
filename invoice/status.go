package invoice

import "github.com/cloudbill/cloudbill/billing/fsm"

// Status is where a document is in its life. The names are stored, so they
// never change; new statuses are only ever added. The status lives in the
// host's store; this package only says which changes are legal (Next).
type Status string

// The statuses of invoices and credit notes.
const (
	// StatusDraft: being prepared; lines may still change and it has no
	// number.
	StatusDraft Status = "draft"
	// StatusIssued: numbered and immutable. For an invoice, nothing has been
	// paid yet (shown to customers as "Unpaid"); for a credit note, its value
	// has been given back.
	StatusIssued Status = "issued"
	// StatusPartiallyPaid: an issued invoice with part of its total paid.
	StatusPartiallyPaid Status = "partially_paid"
	// StatusPaid: an issued invoice paid in full. Terminal.
	StatusPaid Status = "paid"
	// StatusVoid: cancelled without effect: a draft abandoned, or an issued
	// invoice that nothing was paid or credited against. Terminal.
	StatusVoid Status = "void"
)

// Statuses returns every status, in the order of the life of an invoice.
func Statuses() []Status {
	return []Status{StatusDraft, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusVoid}
}

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	for _, v := range Statuses() {
		if s == v {
			return true
		}
	}
	return false
}

// Event is something that happens to a document. The names are stored, so
// they never change.
type Event string

// The events. Payment is two events because where it leads depends on the
// amounts; ApplyPayment picks the right one.
const (
	// EventIssue: the document got its number and became immutable.
	EventIssue Event = "issue"
	// EventPayPartial: a payment left part of the invoice total unpaid.
	EventPayPartial Event = "pay_partial"
	// EventPayFull: a payment made the amount paid equal to the total.
	EventPayFull Event = "pay_full"
	// EventVoid: the document was cancelled.
	EventVoid Event = "void"
)

// Events returns every event.
func Events() []Event {
	return []Event{EventIssue, EventPayPartial, EventPayFull, EventVoid}
}

// Valid reports whether e is one of the events above.
func (e Event) Valid() bool {
	for _, v := range Events() {
		if e == v {
			return true
		}
	}
	return false
}

// Transition is one row of a state table: Event moves a document in From to
// To.
type Transition = fsm.Transition[Status, Event]

// invoiceTable is the invoice state table. It is a function returning an
// array, not a variable, so that it cannot be changed at run time.
//
// Issued → void has a guard (see Void): only when nothing was paid or
// credited, because voiding would otherwise erase money that moved. A
// partially paid or paid invoice is never voided; it is corrected with a
// credit note, so there is no row from those statuses.
func invoiceTable() [7]Transition {
	return [...]Transition{
		{From: StatusDraft, Event: EventIssue, To: StatusIssued},
		{From: StatusDraft, Event: EventVoid, To: StatusVoid},
		{From: StatusIssued, Event: EventPayPartial, To: StatusPartiallyPaid},
		{From: StatusIssued, Event: EventPayFull, To: StatusPaid},
		{From: StatusIssued, Event: EventVoid, To: StatusVoid},
		{From: StatusPartiallyPaid, Event: EventPayPartial, To: StatusPartiallyPaid},
		{From: StatusPartiallyPaid, Event: EventPayFull, To: StatusPaid},
	}
}

// creditNoteTable is the credit note state table. A credit note's value is
// given back (to the wallet as cash credit) in the same storage transaction
// that issues it, so issued is terminal: there is no separate "applied"
// status to fall out of step with the ledger, and no payment events.
func creditNoteTable() [2]Transition {
	return [...]Transition{
		{From: StatusDraft, Event: EventIssue, To: StatusIssued},
		{From: StatusDraft, Event: EventVoid, To: StatusVoid},
	}
}

// table returns a fresh copy of the state table of kind; nil, which has no
// rows and knows no status, for an unknown kind.
func table(kind Kind) fsm.Table[Status, Event] {
	switch kind {
	case KindInvoice:
		t := invoiceTable()
		return t[:]
	case KindCreditNote:
		t := creditNoteTable()
		return t[:]
	}
	return nil
}

// Transitions returns a copy of the state table of kind, one row per legal
// (status, event) pair; nil for an unknown kind.
func Transitions(kind Kind) []Transition { return table(kind) }

// Next returns the status that ev moves a document of kind in from to, by
// the kind's state table (see the package documentation). A pair that is not
// in the table, including an unknown kind, status or event, is a
// *TransitionError (ErrIllegalTransition) and the status stays from.
//
// Next applies the table only; guards that depend on amounts (issued → void
// only when nothing was paid) are checked by the functions that change
// documents.
func Next(kind Kind, from Status, ev Event) (Status, error) {
	// The tables are built on the stack here rather than by table, whose
	// slice escapes: every document change asks.
	var to Status
	ok := false
	switch kind {
	case KindInvoice:
		t := invoiceTable()
		to, ok = fsm.Table[Status, Event](t[:]).Next(from, ev)
	case KindCreditNote:
		t := creditNoteTable()
		to, ok = fsm.Table[Status, Event](t[:]).Next(from, ev)
	}
	if ok {
		return to, nil
	}
	return from, &TransitionError{Kind: kind, From: from, Event: ev}
}

// hasStatus reports whether s occurs in kind's table, as table(kind).Has
// does, with the table on the stack.
func hasStatus(kind Kind, s Status) bool {
	switch kind {
	case KindInvoice:
		t := invoiceTable()
		return fsm.Table[Status, Event](t[:]).Has(s)
	case KindCreditNote:
		t := creditNoteTable()
		return fsm.Table[Status, Event](t[:]).Has(s)
	}
	return false
}

// Terminal reports whether no event can move a document of kind out of s:
// paid and void invoices, issued and void credit notes. A kind, status or
// pair that does not occur (a paid credit note) is not terminal.
func Terminal(kind Kind, s Status) bool {
	switch kind {
	case KindInvoice:
		t := invoiceTable()
		return fsm.Table[Status, Event](t[:]).Terminal(s)
	case KindCreditNote:
		t := creditNoteTable()
		return fsm.Table[Status, Event](t[:]).Terminal(s)
	}
	return false
}
