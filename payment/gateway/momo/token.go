package momo

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// tokenPrefix starts every token this adapter issues, so that a token of
// another format (another gateway's, or a later version of this one) is
// refused before anything is sent to MoMo.
const tokenPrefix = "momo1"

// newToken returns a linked wallet's Token: "momo1:<account tag>:<initial
// orderId>:<MoMo's token value>". The account tag (16 hex digits of the
// SHA-256 of the AccountID) lets Charge refuse a token linked by another
// account without asking MoMo; the initial orderId is the binding's order,
// which MoMo wants back with the value on every payment.
func newToken(accountID, initialOrderID, value string) gateway.Token {
	return gateway.NewToken(tokenPrefix + ":" + accountTag(accountID) + ":" + initialOrderID + ":" + value)
}

// accountTag is the part of a token that binds it to an account.
func accountTag(accountID string) string {
	sum := sha256.Sum256([]byte(accountID))
	return hex.EncodeToString(sum[:8])
}

// parseToken returns the initial orderId and MoMo's value of a token this
// adapter issued for accountID, or a *gateway.RequestError that never
// quotes the token.
func parseToken(t gateway.Token, accountID string) (initialOrderID, value string, err error) {
	parts := strings.SplitN(t.Reveal(), ":", 4)
	if len(parts) != 4 || parts[0] != tokenPrefix || len(parts[1]) != 16 || !validOrderID(parts[2]) || !validValue(parts[3]) {
		return "", "", &gateway.RequestError{Field: "Token", Reason: "is not a MoMo wallet token of this adapter"}
	}
	if parts[1] != accountTag(accountID) {
		return "", "", &gateway.RequestError{Field: "Token", Reason: "was linked by another account"}
	}
	return parts[2], parts[3], nil
}

// validValue reports whether MoMo's token value is 1 to gateway.MaxIDLen
// bytes of printable ASCII, which is what a Token may carry.
func validValue(v string) bool {
	return v != "" && len(v) <= gateway.MaxIDLen && !strings.ContainsFunc(v, notPrintableASCII)
}

// display is the masked name of a linked wallet: "MoMo •••• " and the last
// four digits of the wallet's phone number when MoMo gives an alias ending
// in at least four digits, else "MoMo wallet". Nothing more of the alias is
// kept.
func display(alias string) string {
	if len(alias) >= 4 {
		last := alias[len(alias)-4:]
		if strings.Trim(last, "0123456789") == "" {
			return "MoMo •••• " + last
		}
	}
	return "MoMo wallet"
}
