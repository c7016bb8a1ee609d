package payment

import "strconv"

// MaxIDLen is the longest identifier this package accepts, in bytes. Every
// identifier (entry, grant, payment, gateway name, reference, link, linked
// account) is 1 to MaxIDLen bytes of printable ASCII without spaces
// ('!' through '~'), so that it can be embedded in an account's string form,
// logged and stored without escaping. UUIDs, ULIDs and gateway names such as
// "momo" all fit.
const MaxIDLen = 128

// MaxEntryIDLen is the longest journal entry ID, in bytes, with the same
// characters as other identifiers. It is twice MaxIDLen so that IDs derived
// from another ID, such as "promo_expire:<grantID>:<time>" (see Wallet.PlanExpiry),
// always fit.
const MaxEntryIDLen = 2 * MaxIDLen

// idProblem returns why s is not an acceptable identifier, or "".
func idProblem(s string) string {
	return idProblemMax(s, MaxIDLen)
}

// idProblemMax returns why s is not an acceptable identifier of at most max
// bytes, or "".
func idProblemMax(s string, max int) string {
	if s == "" {
		return "is empty"
	}
	if len(s) > max {
		return "is longer than " + strconv.Itoa(max) + " bytes"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '!' || c > '~' {
			return "has a character other than printable ASCII at byte " + strconv.Itoa(i)
		}
	}
	return ""
}

// checkID returns an *ArgumentError naming the argument unless id is an
// acceptable identifier.
func checkID(name, id string) error {
	if reason := idProblem(id); reason != "" {
		return &ArgumentError{Name: name, Reason: reason}
	}
	return nil
}
