package billingtype

// NoticeKind names a customer notice in an EventNotice payload.
type NoticeKind string

// The notices Tick sends.
const (
	NoticeReminder        NoticeKind = "renewal_reminder"
	NoticeAutoRenewed     NoticeKind = "auto_renew_succeeded"
	NoticeAutoRenewFailed NoticeKind = "auto_renew_failed"
	NoticeStateChanged    NoticeKind = "state_changed"
	// NoticeCreditLimit: a postpaid account's debt reached the notice
	// threshold of its credit limit, or passed the limit.
	NoticeCreditLimit NoticeKind = "credit_limit"
)

// The notices of the overdue schedule.
const (
	// NoticeOverdueCharge: an overdue bill's charge attempt ran; Detail
	// says what was paid and what is still owed.
	NoticeOverdueCharge NoticeKind = "overdue_charge"
	// NoticeOverdueSuspended: the account's resources were suspended
	// because a bill is unpaid past the suspension day.
	NoticeOverdueSuspended NoticeKind = "overdue_suspended"
	// NoticeOverdueReleased: the suspended resources were released.
	NoticeOverdueReleased NoticeKind = "overdue_released"
)

// The notices of the credit hold.
const (
	// NoticeHoldShort: the credit could not cover the day's hold for
	// metered usage; Detail names the amount to top up.
	NoticeHoldShort NoticeKind = "hold_short"
)
