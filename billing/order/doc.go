// Package order is the vocabulary of an order: what a checkout, a renewal,
// a resize or a recovery buys, and where the order stands. It is pure — no
// storage, no clock — so the billing system, the storage records and a
// host's own store share one typed definition.
//
// An order is an obligation of one account: while it is StatusPending it
// may be paid exactly in full by its own payment; once paid it is settled
// (StatusPaid, then StatusCompleted when every resource it bought or acted
// on has its invoice). A failed or expired payment leaves it
// StatusFailed. A postpaid account's purchase is no obligation: it is
// StatusBilledInArrears from the start, nothing is due on it, and its
// resources are billed by month for the minutes they run.
package order
