// Package payment holds the rules of the credit wallet and of payments: a
// double-entry ledger, the spending plan of a wallet, the payment state
// machine, how a payment is split between credit and a gateway, linked
// gateway accounts and shareable payment links.
//
// It is pure: no storage, no I/O, no clock (every instant is a parameter),
// no package-level mutable state. The host's billing layer stores the values
// it returns and calls it inside its transactions.
//
// # Chart of accounts
//
// Each billing account has its own ledger, in the account's one currency.
// Accounts are named by a kind and, for some kinds, a sub-key; the string
// form is what is stored:
//
//	account                          holds                                    balance
//	customer:cash                    cash credit: top-ups, refunds            >= 0
//	customer:promo:<grantID>         promotional credit of one grant          >= 0
//	                                 (expires; see PromoBalance)
//	customer:held:<paymentID>        credit set aside for one Top up & Pay    >= 0
//	                                 while its gateway part is in progress
//	gateway:clearing:<gateway>       money received through a gateway         <= 0
//	revenue:sales                    sales revenue                            >= 0
//	revenue:refunds                  refunds to credit (contra-revenue)       <= 0
//	expense:promotions               promotional credit granted (its cost)    <= 0
//	income:promo_expired             promotional credit expired unspent       >= 0
//	                                 (breakage)
//
// The customer accounts are what the provider owes the customer; the
// others record where that credit came from and where it went.
//
// # Sign convention
//
// A Posting's amount is positive when value flows into the account (its
// balance grows) and negative when value flows out (it shrinks). An
// account's balance is the sum of its postings (Balances). Every journal
// Entry has at least two postings in one currency, each non-zero and whole
// minor units, summing to exactly zero, so value is moved and never created
// or lost: the sum of all balances of a ledger is always zero. Sources of
// value (gateway clearing, promotions expense, refunds) therefore carry
// negative balances and sinks (revenue, breakage) positive ones.
//
// # Movements
//
//	kind             postings                                          constructor
//	top_up           clearing:<gw> −x, cash +x                         TopUpEntry
//	payment          buckets −parts, sales +x                          SpendEntry
//	hold             buckets −parts, held:<payment> +x                 HoldEntry
//	capture          held:<payment> −h, clearing:<gw> −g, sales +h+g   CaptureEntry
//	release          held:<payment> −x, buckets +parts                 ReleaseEntry
//	refund           refunds −x, cash +x                               RefundEntry
//	promo_grant      promotions −x, promo:<grant> +x                   PromoGrantEntry
//	promo_expire     promo:<grant> −x, promo_expired +x                PromoExpireEntry, Wallet.PlanExpiry
//	gateway_payment  clearing:<gw> −x, sales +x                        GatewayPaymentEntry
//
// Entry.Validate enforces this table: an entry of a kind may touch only
// those accounts, each only in that direction.
//
// # Spending
//
// A Wallet is built from the balances of cash and of each promotional grant
// with its expiry. Credit of a grant can be spent strictly before its
// expiry; after that only PlanExpiry moves it, to breakage. PlanSpend takes
// the buckets in the order of a SpendPolicy: by default promotional credit
// first, soonest-expiring grant first (ties by grant ID), then cash;
// SpendCashFirst takes cash first. Each bucket gives what it has until the
// rest is smaller, so no bucket goes below zero; if the available credit is
// short, the result is an *InsufficientCreditError and nothing is planned.
//
// Example: cash 100,000 VND, grant A 50,000 expiring in 10 days, grant B
// 30,000 expiring in 5 days; spending 60,000 takes 30,000 from B and 30,000
// from A, and leaves cash untouched.
//
// # Payment methods
//
// SplitPayment divides a payment between the wallet and a gateway: credit
// pays all from the wallet or fails; Top up & Pay uses all available credit
// and sends the rest to a gateway (200,000 with 150,000 available is 150,000
// from credit and 50,000 through the gateway; with 200,000 or more
// available it is all credit and settles at once); gateway and linked
// account pay all through the gateway. A payable amount is positive, whole
// minor units and at most MaxAmountMinorUnits.
//
// # Payment states
//
// The state machine is a table of data (Transitions); Next applies it:
//
//	from                 event            to
//	created              submit           pending
//	created              succeed          succeeded            (paid wholly from credit)
//	created              fail             failed
//	created              cancel           canceled
//	created              expire           expired
//	pending              succeed          succeeded
//	pending              fail             failed
//	pending              cancel           canceled
//	pending              expire           expired
//	succeeded            partial_refund   partially_refunded
//	succeeded            full_refund      refunded
//	partially_refunded   partial_refund   partially_refunded
//	partially_refunded   full_refund      refunded
//
// Every other pair is an illegal transition. Failed, canceled, expired and
// refunded are terminal. ApplyRefund picks the refund event from the
// amounts and rejects refunds beyond what was paid.
//
// # Automatic invoice payment
//
// AllocateAutoPay splits available credit over open invoices: oldest issue
// time first, then the smaller outstanding amount, then the id; each paid
// in full while credit lasts, the last partially; nothing when the credit
// is not positive.
//
// # Errors
//
// Every error matches a sentinel (ErrInsufficientCredit, ErrUnbalanced,
// ErrIllegalTransition, ...) with errors.Is; most are typed structs carrying
// the values involved, for errors.As.
package payment
