// Package lifecycle holds the rules of a prepaid resource's life, from
// purchase to release: the state table, what each change asks of the host,
// the timeline after the end of a term (grace, suspension, release), the
// renewal reminders and automatic-renewal attempts, what is due at a given
// instant, and the money of mid-term actions (resize, delete, renewal
// periods, end-time matching).
//
// It is pure: no storage, no I/O, no clock reads (every instant is a
// parameter) and no package-level mutable state. The host keeps each
// resource's state and schedule counters (ResourceView) in its store, runs
// the clock, and writes the work this package reports into its outbox in the
// same transaction as the state change.
//
// # States and events
//
// The state table (Transitions; Next applies it, Rules.Next adds the
// policy's guard on recovery):
//
//	from               event              to                   host actions (Effects)
//	pending_payment    pay                provisioning         provision
//	pending_payment    cancel             deleted              -
//	provisioning       provisioned        active               -
//	provisioning       provision_failed   provisioning_failed  -  (full refund)
//	active             term_ended         grace                restrict
//	active             renew              active               -
//	active             resize             active               -  (the resize carries the new configuration)
//	active             delete             deleted              release
//	active             overdue            suspended            suspend  (postpaid: bills unpaid past the schedule)
//	grace              grace_ended        suspended            suspend
//	grace              renew              active               unrestrict
//	grace              delete             deleted              release
//	suspended          suspension_ended   released             release
//	suspended          renew              active               resume, unrestrict
//	suspended          delete             deleted              release
//	suspended          overdue_paid       active               resume, unrestrict  (postpaid: the bills were paid)
//	released           recover            provisioning         provision  (only if Policy.Recoverable)
//
// Every other (state, event) pair is a *TransitionError matching
// ErrIllegalTransition. Deleted and provisioning_failed are terminal.
// Resize is allowed only while active: in grace the term is over and there
// is nothing left to reprice.
//
// # Timeline of a term
//
// With T the end of the paid term and the default policy (days are calendar
// days in the account's zone, at T's wall-clock time, so DST never shifts
// them):
//
//	day         T−7 T−6 T−5 T−4 T−3 T−2 T−1 T   T+1   …  T+15  …  T+29  T+30
//	reminders   R0  R1  R2  R3  R4  R5  R6  R7  R8    …  R22   …  R36
//	auto-renew  A0          A1          A2  A3 (current until T+15)
//	state       active ···················· grace ······ suspended ···· released
//	                                        running,     stopped,       gone; only
//	                                        restricted,  data kept,     recoverable
//	                                        renewable    renewable
//
// Rk are reminders (Rules.Reminders), Ai automatic-renewal attempts from
// credit (Rules.AutoRenewAttempts); after A3 fails, auto-renewal stops for
// the term. Renewing in grace or suspension resumes the resource; the new
// term starts at T, not at the renewal.
//
// Billing status for display: good with more than 15 days left, warning
// from 15 down to 5 days left (both inclusive), alerted under 5 days,
// expired from T on.
//
// # Policy defaults
//
// DefaultPolicy: GraceDays 15, ReleaseAfterDays 30, WarningDays 15,
// AlertDays 5, ReminderLeadDays 7, ReminderEveryDays 1, AutoRenewTerm 1
// month, AutoRenewAttemptDays [−7, −4, −1, 0], RefundOnDowngrade,
// RefundOnDelete and Recoverable all true. Every number is a per-product
// policy: a host builds Rules from its own Policy and the account's
// period.Calendar with NewRules.
//
// # Running the clock
//
// Rules.NextDue gives the instant a resource next needs attention; the host
// indexes resources by it, so a tick costs as much as the work that is due,
// not as much as there are resources. At that instant Rules.Due lists the
// work in order (an automatic-renewal attempt, the clock-driven
// transitions, a reminder), each with a Key that stays the same across
// retries ("reminder:<T>:<k>") so notices and charges are deduplicated. The
// host records what it did with ResourceView.Record (or Renewed after a
// successful renewal), stores the new view and its NextDue, and moves on.
// Missed work is caught up once rather than replayed: one reminder, the
// latest; one attempt, the latest still current.
//
// # Money of actions
//
// Prices are per 30 days and time counts to the minute (pricing rounds each
// amount once, half-up, to the currency's digits). ResizeCharge: upgrade
// 181,000 → 520,000 with 50 days left pays 866,667 − 301,667 = 565,000;
// downgrade 520,000 → 181,000 with 20 days left is −226,000, refunded when
// the policy allows. DeleteRefund: 181,000 with 20 days unused refunds
// 120,667. RenewPeriod extends from the current end, not from now;
// MatchEndTime extends each resource from its own end to a common target.
//
// # Overdue postpaid invoices
//
// NextOverdueStep walks an unpaid invoice's OverduePolicy (charge attempts
// at T, T+7, T+14, suspension at T+15, release 15 days after the
// suspension); CheckCreditLimit and CheckPurchase refuse purchases while an
// account is overdue or, if the policy blocks, over its credit limit.
package lifecycle
