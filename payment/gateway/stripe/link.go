package stripe

import (
	"context"
	"strings"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// StartLink saves a card for off-session charges: it creates a Customer for
// the link (metadata MetaAccountID and MetaLinkID, Idempotency-Key
// "cloudbill-link-customer-<LinkID>"), then a Checkout Session in setup
// mode for cards on that customer (Idempotency-Key
// "cloudbill-link-<LinkID>"), whose SetupIntent carries the same metadata.
// Redirect.GatewayRef is the session's id ("cs_…").
//
// A customer per link, rather than one looked up per account, keeps
// StartLink to requests that are idempotent by themselves: Stripe's
// customer search is eventually consistent, so two links started together
// could create two customers anyway. The setup_intent.succeeded webhook
// completes the link with a Token naming the customer and the saved
// payment method, and a Display such as "Visa •••• 4242".
func (g *Gateway) StartLink(ctx context.Context, req gateway.LinkRequest) (gateway.Redirect, error) {
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	returnURL, err := g.returnURL(req.ReturnURL)
	if err != nil {
		return gateway.Redirect{}, err
	}
	meta := map[string]string{MetaAccountID: req.AccountID, MetaLinkID: req.LinkID}
	cp := &stripego.CustomerCreateParams{Metadata: meta}
	cp.SetIdempotencyKey(idempotencyKey("link-customer", req.LinkID))
	cus, err := g.api.V1Customers.Create(ctx, cp)
	if err != nil {
		return gateway.Redirect{}, g.classify("create customer", err)
	}
	if cus.ID == "" {
		return gateway.Redirect{}, incomplete("create customer")
	}
	sp := &stripego.CheckoutSessionCreateParams{
		Mode:               stripego.String(string(stripego.CheckoutSessionModeSetup)),
		Customer:           stripego.String(cus.ID),
		PaymentMethodTypes: []*string{stripego.String("card")},
		SuccessURL:         stripego.String(returnURL),
		CancelURL:          stripego.String(returnURL),
		Metadata:           meta,
		SetupIntentData:    &stripego.CheckoutSessionCreateSetupIntentDataParams{Metadata: meta},
	}
	if len(req.LinkID) <= 200 {
		sp.ClientReferenceID = stripego.String(req.LinkID)
	}
	sp.SetIdempotencyKey(idempotencyKey("link", req.LinkID))
	s, err := g.api.V1CheckoutSessions.Create(ctx, sp)
	if err != nil {
		return gateway.Redirect{}, g.classify("create checkout session", err)
	}
	if s.ID == "" || s.URL == "" {
		return gateway.Redirect{}, incomplete("create checkout session")
	}
	return gateway.Redirect{URL: s.URL, GatewayRef: s.ID}, nil
}

// linkedCard returns the Token and Display of a succeeded SetupIntent of
// account, reading its payment method when the SetupIntent does not hold
// it expanded (webhook payloads never expand).
func (g *Gateway) linkedCard(ctx context.Context, si *stripego.SetupIntent, accountID string) (gateway.Token, string, error) {
	if si.Customer == nil || !stripeID(si.Customer.ID, "cus_") || si.PaymentMethod == nil || !stripeID(si.PaymentMethod.ID, "pm_") {
		return gateway.Token{}, "", &gateway.EventError{Field: "setup_intent", Reason: "has no customer or payment method"}
	}
	pm := si.PaymentMethod
	if pm.Type == "" {
		var err error
		pm, err = g.api.V1PaymentMethods.Retrieve(ctx, si.PaymentMethod.ID, nil)
		if err != nil {
			return gateway.Token{}, "", g.classify("retrieve payment method", err)
		}
	}
	return newToken(si.Customer.ID, si.PaymentMethod.ID, accountID), display(pm), nil
}

// display returns the masked name of a saved payment method, safe to show
// and log: "Visa •••• 4242", "Mastercard •••• 4444", or the method's kind
// when it has no card ("SEPA Direct Debit •••• 3000", "Card").
func display(pm *stripego.PaymentMethod) string {
	const dots = " •••• "
	if pm == nil {
		return "Card"
	}
	switch {
	case pm.Card != nil:
		name := brandName(string(pm.Card.Brand))
		if pm.Card.Last4 == "" {
			return name
		}
		return name + dots + pm.Card.Last4
	case pm.SEPADebit != nil && pm.SEPADebit.Last4 != "":
		return "SEPA Direct Debit" + dots + pm.SEPADebit.Last4
	case pm.USBankAccount != nil && pm.USBankAccount.Last4 != "":
		return "Bank account" + dots + pm.USBankAccount.Last4
	case pm.Type != "":
		return strings.ReplaceAll(string(pm.Type), "_", " ")
	}
	return "Card"
}

// brandName is a card brand as its network writes it.
func brandName(brand string) string {
	switch brand {
	case "visa":
		return "Visa"
	case "mastercard":
		return "Mastercard"
	case "amex":
		return "American Express"
	case "discover":
		return "Discover"
	case "diners":
		return "Diners Club"
	case "jcb":
		return "JCB"
	case "unionpay":
		return "UnionPay"
	case "cartes_bancaires":
		return "Cartes Bancaires"
	case "eftpos_au":
		return "eftpos"
	case "interac":
		return "Interac"
	}
	return "Card"
}
