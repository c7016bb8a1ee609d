package payment

import (
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Sentinel errors. Every error this package returns matches one of them with
// errors.Is, so callers branch on the condition, never on a message. They may
// be stored or sent to clients, so their meanings never change; new
// conditions are only ever added.
var (
	// ErrInvalidAccount: text is not the string form of a ledger account, or
	// a LedgerAccount value breaks the chart's rules. See *AccountError.
	ErrInvalidAccount = errors.New("payment: invalid ledger account")

	// ErrInvalidEntry: a journal entry's header (ID, Kind, Reference, Memo,
	// At) is missing or malformed. See *EntryError.
	ErrInvalidEntry = errors.New("payment: invalid journal entry")

	// ErrEmptyEntry: a journal entry has fewer than two postings, so it
	// cannot move value from one account to another.
	ErrEmptyEntry = errors.New("payment: journal entry has fewer than two postings")

	// ErrUnbalanced: a journal entry's postings do not sum to exactly zero.
	// See *UnbalancedError.
	ErrUnbalanced = errors.New("payment: journal entry does not balance")

	// ErrInvalidPosting: one posting of an entry is unusable: zero, not
	// rounded to the currency, in another currency than the entry, on a
	// malformed account, repeated, or on an account (or in a direction) the
	// entry's kind never touches. See *PostingError.
	ErrInvalidPosting = errors.New("payment: invalid posting")

	// ErrInvalidAmount: a payable amount is missing, not positive, not whole
	// minor units of its currency, or above MaxAmountMinorUnits; or it is in
	// another currency than the amounts it is combined with. See
	// *AmountError.
	ErrInvalidAmount = errors.New("payment: invalid amount")

	// ErrInsufficientCredit: the wallet's available credit is less than the
	// amount to pay from it. See *InsufficientCreditError.
	ErrInsufficientCredit = errors.New("payment: insufficient credit")

	// ErrInvalidArgument: an identifier, policy, purpose, wallet balance,
	// linked account or other argument is missing or malformed. See
	// *ArgumentError.
	ErrInvalidArgument = errors.New("payment: invalid argument")

	// ErrIllegalTransition: the payment state table has no row for this
	// status and event. See *TransitionError.
	ErrIllegalTransition = errors.New("payment: illegal status transition")

	// ErrOverRefund: a refund would take the refunded total above the amount
	// paid. See *OverRefundError.
	ErrOverRefund = errors.New("payment: refund exceeds the amount paid")

	// ErrMethodNotAllowed: the payment method cannot pay for this purpose
	// (a top-up paid from the wallet, a payment link paid from the owner's
	// credit). See *MethodError.
	ErrMethodNotAllowed = errors.New("payment: method not allowed for this purpose")

	// ErrInvalidToken: a gateway token or payment link token is empty,
	// malformed or of the wrong length. Its message never contains the token.
	ErrInvalidToken = errors.New("payment: invalid token")

	// ErrLinkExpired: a payment link was used at or after its expiry.
	ErrLinkExpired = errors.New("payment: payment link expired")

	// ErrLinkPaid: a payment link was used after it had been paid.
	ErrLinkPaid = errors.New("payment: payment link already paid")

	// ErrLinkedAccountNotFound: no linked account has the given ID.
	ErrLinkedAccountNotFound = errors.New("payment: linked account not found")

	// ErrDuplicateLinkedAccount: a linked account with the same ID is
	// already in the list.
	ErrDuplicateLinkedAccount = errors.New("payment: linked account already exists")
)

// AccountError says why a ledger account was rejected. Input is the text
// given to ParseLedgerAccount, or the account's string form when a value was
// validated. It matches ErrInvalidAccount.
type AccountError struct {
	Input  string
	Reason string
}

// Error quotes the (shortened) input and the broken rule.
func (e *AccountError) Error() string {
	return fmt.Sprintf("payment: invalid ledger account %q: %s", clip(e.Input), e.Reason)
}

// Is makes an *AccountError match ErrInvalidAccount.
func (e *AccountError) Is(target error) bool { return target == ErrInvalidAccount }

// EntryError says which header field of a journal entry was rejected. It
// matches ErrInvalidEntry.
type EntryError struct {
	EntryID string
	Field   string
	Reason  string
}

// Error names the entry, the field and the broken rule.
func (e *EntryError) Error() string {
	return fmt.Sprintf("payment: invalid journal entry %q: %s %s", clip(e.EntryID), e.Field, e.Reason)
}

// Is makes an *EntryError match ErrInvalidEntry.
func (e *EntryError) Is(target error) bool { return target == ErrInvalidEntry }

// UnbalancedError reports the non-zero sum of an entry's postings. It matches
// ErrUnbalanced.
type UnbalancedError struct {
	EntryID string
	Sum     money.Amount
}

// Error names the entry and how far it is off.
func (e *UnbalancedError) Error() string {
	return fmt.Sprintf("payment: journal entry %q does not balance: postings sum to %s", clip(e.EntryID), e.Sum)
}

// Is makes an *UnbalancedError match ErrUnbalanced.
func (e *UnbalancedError) Is(target error) bool { return target == ErrUnbalanced }

// PostingError says which posting of an entry was rejected and why. It
// matches ErrInvalidPosting and, through Unwrap, the cause when there is one:
// money.ErrCurrencyMismatch (a *money.CurrencyMismatchError),
// money.ErrNotRounded or ErrInvalidAccount.
type PostingError struct {
	EntryID string
	Index   int
	Posting Posting
	Reason  string
	Err     error
}

// Error names the entry, the posting's position and account, and the rule.
func (e *PostingError) Error() string {
	return fmt.Sprintf("payment: journal entry %q posting %d (%s %s): %s",
		clip(e.EntryID), e.Index, e.Posting.Account, e.Posting.Amount, e.Reason)
}

// Is makes a *PostingError match ErrInvalidPosting.
func (e *PostingError) Is(target error) bool { return target == ErrInvalidPosting }

// Unwrap returns the underlying cause, or nil.
func (e *PostingError) Unwrap() error { return e.Err }

// AmountError says why an amount was rejected; Name is the argument or
// field ("amount", "plan.Debits[1].Amount"). It matches ErrInvalidAmount
// and, through Unwrap, the money error behind it when there is one (for
// example money.ErrCurrencyMismatch).
type AmountError struct {
	Name   string
	Amount money.Amount
	Reason string
	Err    error
}

// Error names the amount and the broken rule.
func (e *AmountError) Error() string {
	return fmt.Sprintf("payment: invalid %s %q: %s", e.Name, e.Amount.String(), e.Reason)
}

// Is makes an *AmountError match ErrInvalidAmount.
func (e *AmountError) Is(target error) bool { return target == ErrInvalidAmount }

// Unwrap returns the underlying cause, or nil.
func (e *AmountError) Unwrap() error { return e.Err }

// InsufficientCreditError reports a payment from credit that the wallet
// cannot cover: Requested is the amount asked for, Available the credit that
// could be spent at that instant. It matches ErrInsufficientCredit.
type InsufficientCreditError struct {
	Requested money.Amount
	Available money.Amount
}

// Error states both amounts.
func (e *InsufficientCreditError) Error() string {
	return fmt.Sprintf("payment: insufficient credit: %s requested, %s available", e.Requested, e.Available)
}

// Is makes an *InsufficientCreditError match ErrInsufficientCredit.
func (e *InsufficientCreditError) Is(target error) bool { return target == ErrInsufficientCredit }

// ArgumentError says which argument was rejected and why. It matches
// ErrInvalidArgument.
type ArgumentError struct {
	Name   string
	Reason string
}

// Error names the argument and the broken rule.
func (e *ArgumentError) Error() string {
	return fmt.Sprintf("payment: invalid %s: %s", e.Name, e.Reason)
}

// Is makes an *ArgumentError match ErrInvalidArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// TransitionError reports an event the state table does not allow in the
// From status. It matches ErrIllegalTransition.
type TransitionError struct {
	From  Status
	Event Event
}

// Error names the status and the event.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("payment: illegal transition: %q on %q", clip(string(e.Event)), clip(string(e.From)))
}

// Is makes a *TransitionError match ErrIllegalTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// OverRefundError reports a refund larger than what is left to refund:
// Paid - Refunded < Requested. It matches ErrOverRefund.
type OverRefundError struct {
	Paid      money.Amount
	Refunded  money.Amount
	Requested money.Amount
}

// Error states the three amounts.
func (e *OverRefundError) Error() string {
	return fmt.Sprintf("payment: refund of %s exceeds what is left: %s paid, %s already refunded",
		e.Requested, e.Paid, e.Refunded)
}

// Is makes an *OverRefundError match ErrOverRefund.
func (e *OverRefundError) Is(target error) bool { return target == ErrOverRefund }

// MethodError reports a payment method that cannot pay for a purpose. It
// matches ErrMethodNotAllowed.
type MethodError struct {
	Method  Method
	Purpose PurposeKind
}

// Error names the method and the purpose.
func (e *MethodError) Error() string {
	return fmt.Sprintf("payment: method %q cannot pay for %q", clip(string(e.Method)), clip(string(e.Purpose)))
}

// Is makes a *MethodError match ErrMethodNotAllowed.
func (e *MethodError) Is(target error) bool { return target == ErrMethodNotAllowed }

// clip shortens s for error messages so that hostile input cannot flood
// logs; callers quote the result with %q, which makes control characters
// visible.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
