// Package fsm holds the mechanics of a state machine written as data: a
// table of rows {From, Event, To} of the caller's own typed constants, and
// the lookups every such table needs (Next, Terminal, Has).
//
// The package has no machine object and no state of its own. The state of a
// payment, a resource, a redemption or an invoice lives in the host's store;
// the package that owns it builds its table in a function (so nothing can
// change it at run time), asks the table whether a change is legal, and turns
// a refusal into its own typed error. Guards that depend on more than the
// (state, event) pair, such as amounts or policy, stay with that package.
//
// A Table is a plain slice, so a table built from a local array and used in
// place stays on the stack: lookups do not allocate.
package fsm
