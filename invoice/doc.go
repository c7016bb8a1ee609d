// Package invoice holds the documents billing produces: invoices, credit
// notes, their numbering, and the action log of what was done to resources.
// It is pure: no storage, no I/O, no clock (every time is an argument) and no
// package-level state. Documents are values; every function returns a new
// value and never changes its arguments. The host's store keeps them.
//
// # Documents and their identities
//
// An Invoice is an invoice or a credit note (Kind) for one resource of one
// account, in one currency and one tax mode. New builds a draft invoice from
// lines; PriceLine prices a simple line. Every line satisfies, exactly, with
// every amount non-negative and a whole number of the currency's minor units
// (VND 0 digits, USD 2, KWD 3) and tax rounded half-up once per line:
//
//	exclusive: Net = Amount − Discount, Tax = round(Net × rate), Total = Net + Tax − Coupon
//	inclusive: Total = Amount − Discount, Tax = round(Total × rate ÷ (1 + rate)), Net = Total − Tax
//
// Coupon is a postpaid bill's after-tax coupon (total = pre-tax + tax −
// coupon); only exclusive invoice lines carry one, and it is zero
// everywhere else.
//
// A credit note's lines take the tax contained in their Total, round(Total ×
// rate ÷ (1 + rate)), in both modes; every exclusive invoice line also
// satisfies that, so a line can always be credited in full.
//
// The document's totals are the sums of the lines' fields of the same name,
// so they reconcile exactly in both modes:
//
//	Σ lines' Amount = Subtotal, and likewise Discount, Net, Tax, Total
//	Net + Tax − Coupons() = Total
//	exclusive: Subtotal − Discount + Tax − Coupons() = Total
//	inclusive: Subtotal − Discount = Total, with Tax inside it
//
// # State tables
//
// The statuses and events are typed constants with stored names; each kind
// has a table of {from, event, to} rows (Transitions) and Next applies it,
// returning a *TransitionError (ErrIllegalTransition) for anything else.
//
// Invoice:
//
//	draft          --issue-->       issued
//	draft          --void-->        void
//	issued         --pay_partial--> partially_paid
//	issued         --pay_full-->    paid
//	issued         --void-->        void    (guard: nothing paid or credited)
//	partially_paid --pay_partial--> partially_paid
//	partially_paid --pay_full-->    paid
//
// Credit note:
//
//	draft  --issue--> issued
//	draft  --void-->  void
//
// Issued invoices are shown to customers as Unpaid. Paid and void invoices
// and issued and void credit notes are terminal. Money that moved is never
// voided away: a partially paid or paid invoice, or one with credit notes, is
// corrected with a credit note. A credit note's value is given back (as
// credit to the customer's wallet) in the transaction that issues it, so it
// has no separate "applied" status.
//
// The functions that move documents apply these tables plus their guards:
// Issue (drafts get a number and become immutable; an invoice with nothing
// to pay is paid at once), ApplyPayment (partial or full, never more than is
// due), IssuePaid (the prepaid flow: issued and paid in one step) and Void.
// Once issued, lines and totals never change: WithLines on anything but a
// draft is an *ImmutableError (ErrImmutable).
//
// # Credit notes
//
// NewCreditNote credits an amount of an issued, partially paid or paid
// invoice, split across its lines by their totals with exact remainders;
// NewCreditNoteLines takes lines the caller priced. A credit note carries
// positive amounts; its Kind says that it gives value back. The credits of
// an invoice never exceed its total (ErrOverCredit): the invoice's
// AmountCredited counts the issued notes (RecordCredit, in the issuing
// transaction), and every new credit is checked against it.
//
// # Numbering
//
// Documents are numbered when issued, in series per kind and year in the
// account's time zone (SeriesFor: "INV-2026", "CN-2026"), and shown as
// series and number zero-padded to six digits (Format: "INV-2026-000042";
// ParseNumber reverses it exactly). Numbers are gapless within a series.
// Allocating them is the store's job, under this contract: in the storage
// transaction that issues the document, lock the series' counter, take
// last + 1, issue with it and store it; a rolled-back issue rolls its number
// back too, and concurrent issues serialise on the lock. Drafts have no
// number, so abandoned drafts leave no holes.
//
// # Action log
//
// Action records who did what to a resource and when (create, renew, resize,
// recover, delete, match_end_time, auto-renew on and off, suspend, resume,
// release, provision_failed), with the old and new configuration and period
// and the invoice produced. Action.Validate checks the rules of each kind.
//
// # Errors
//
// Every error matches a sentinel (ErrInvalidArgument, ErrInvalidLine,
// ErrIllegalTransition, ErrImmutable, ErrOverpayment, ErrOverCredit, ...) with
// errors.Is; most are typed structs (*LineError{Index, Field, Reason},
// *TransitionError, *OverCreditError, ...) for errors.As. Functions that take
// documents check them with Invoice.Validate first, and change nothing on
// error.
package invoice
