package billingtype

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
