package postgres

// DueQuery is the statement behind Resources.Due, for plan tests.
func DueQuery(s *Store) string { return s.q.resources.dueResources }

// DeliverableQuery is the statement behind Outbox.Deliverable, for plan
// tests.
func DeliverableQuery(s *Store) string { return s.q.resources.deliverable }

// ExpiryDueQuery is the statement behind Payments.ExpiryDue, for plan
// tests.
func ExpiryDueQuery(s *Store) string { return s.q.payments.expiryDue }

// RetryDueQuery is the statement behind Payments.RetryDue, for plan tests.
func RetryDueQuery(s *Store) string { return s.q.payments.retryDue }

// EInvoicesByDocumentQuery is the statement behind EInvoices.ByDocument,
// for plan tests.
func EInvoicesByDocumentQuery(s *Store) string { return s.q.einvoices.byDocument }

// EInvoicesListAfterQuery is the statement behind a page of EInvoices.List
// after a cursor, for plan tests.
func EInvoicesListAfterQuery(s *Store) string { return s.q.einvoices.list[1] }
