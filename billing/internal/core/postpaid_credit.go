package core

// maxOpenScan is how many open invoices the purchase and collection
// checks read: an account owes on a handful, and the oldest come first.
const MaxOpenScan = 1000
