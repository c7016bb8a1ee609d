package core

import (
	"github.com/cloudbill/cloudbill/storage"
)

// The account jobs the worker runs. The names are stored, so they never
// change.
const (
	// jobCollect is an account's daily automatic invoice payment; it
	// exists while the account has open invoices.
	JobCollect storage.JobKind = "collect"
	// jobOverdue is one unpaid bill's overdue schedule (Key: the invoice
	// id); Step counts the charge attempts made, Since is when the
	// account's resources were suspended for it.
	JobOverdue storage.JobKind = "overdue"
	// jobHold is a prepaid account's daily credit hold for its metered
	// usage; Step is the streak of short days.
	JobHold storage.JobKind = "hold"
)
