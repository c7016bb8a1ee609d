package stripe

import (
	"context"
	"errors"
	"strings"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// QueryPayment reports where the payment q.PaymentID stands at Stripe.
//
// By q.GatewayRef: a Checkout Session ("cs_…", from CreatePayment) is
// pending while open, expired once expired, and succeeded once complete
// and paid (GatewayRef then its PaymentIntent, Amount its amount_total); a
// PaymentIntent ("pi_…", from Charge or a payment.succeeded event) is
// succeeded, pending (processing), or failed (canceled; for a Charge also
// declined or needing authentication, as Charge reports it). Without a
// GatewayRef (a call whose answer was lost) the PaymentIntents are searched
// by MetaPaymentID; Stripe's search lags writes by up to about a minute,
// and a Checkout Session has no PaymentIntent before the user pays, so
// the answer is then PaymentNotFound. An object Stripe does not know is
// PaymentNotFound; one whose metadata names another payment is a
// *gateway.RequestError.
func (g *Gateway) QueryPayment(ctx context.Context, q gateway.PaymentQuery) (gateway.PaymentStatus, error) {
	if q.PaymentID == "" {
		return gateway.PaymentStatus{}, &gateway.RequestError{Field: "PaymentID", Reason: "is empty"}
	}
	switch ref := q.GatewayRef; {
	case strings.HasPrefix(ref, "cs_"):
		s, err := g.api.V1CheckoutSessions.Retrieve(ctx, ref, nil)
		if err != nil {
			return notFoundPayment(g.classify("retrieve checkout session", err))
		}
		if s.Metadata[MetaPaymentID] != q.PaymentID {
			return gateway.PaymentStatus{}, otherObject("GatewayRef", "payment")
		}
		return sessionStatus(s)
	case strings.HasPrefix(ref, "pi_"):
		pi, err := g.api.V1PaymentIntents.Retrieve(ctx, ref, nil)
		if err != nil {
			return notFoundPayment(g.classify("retrieve payment intent", err))
		}
		if pi.Metadata[MetaPaymentID] != q.PaymentID {
			return gateway.PaymentStatus{}, otherObject("GatewayRef", "payment")
		}
		return intentStatus(pi)
	case ref == "":
		params := &stripego.PaymentIntentSearchParams{}
		params.Query = "metadata['" + MetaPaymentID + "']:" + searchString(q.PaymentID)
		params.Limit = stripego.Int64(1)
		for pi, err := range g.api.V1PaymentIntents.Search(ctx, params) {
			if err != nil {
				return gateway.PaymentStatus{}, g.classify("search payment intents", err)
			}
			if pi.Metadata[MetaPaymentID] == q.PaymentID {
				return intentStatus(pi)
			}
		}
		return gateway.PaymentStatus{State: gateway.PaymentNotFound}, nil
	}
	return gateway.PaymentStatus{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a Stripe Checkout Session or PaymentIntent id"}
}

// sessionStatus maps a payment-mode Checkout Session.
func sessionStatus(s *stripego.CheckoutSession) (gateway.PaymentStatus, error) {
	st := gateway.PaymentStatus{State: gateway.PaymentPending, GatewayRef: s.ID}
	switch s.Status {
	case stripego.CheckoutSessionStatusExpired:
		st.State = gateway.PaymentExpired
	case stripego.CheckoutSessionStatusComplete:
		if s.PaymentStatus != stripego.CheckoutSessionPaymentStatusPaid {
			return st, nil
		}
		amount, ok := fromStripe(s.AmountTotal, string(s.Currency))
		if !ok || !amount.IsPositive() {
			return gateway.PaymentStatus{}, incomplete("retrieve checkout session")
		}
		st.State, st.Amount = gateway.PaymentSucceeded, amount
		if s.PaymentIntent != nil && s.PaymentIntent.ID != "" {
			st.GatewayRef = s.PaymentIntent.ID
		}
	}
	return st, nil
}

// intentStatus maps a PaymentIntent; the requires_* states are a failure
// for a Charge (nobody is there to act) and pending for a checkout (the
// user may still try again on the page).
func intentStatus(pi *stripego.PaymentIntent) (gateway.PaymentStatus, error) {
	st := gateway.PaymentStatus{State: gateway.PaymentPending, GatewayRef: pi.ID}
	charge := pi.Metadata[MetaFlow] == flowCharge
	switch pi.Status {
	case stripego.PaymentIntentStatusSucceeded:
		received := pi.AmountReceived
		if received == 0 {
			received = pi.Amount
		}
		amount, ok := fromStripe(received, string(pi.Currency))
		if !ok || !amount.IsPositive() {
			return gateway.PaymentStatus{}, incomplete("retrieve payment intent")
		}
		st.State, st.Amount = gateway.PaymentSucceeded, amount
	case stripego.PaymentIntentStatusCanceled:
		st.State, st.FailureReason = gateway.PaymentFailed, "The payment was canceled."
	case stripego.PaymentIntentStatusRequiresAction:
		if charge {
			st.State, st.FailureReason = gateway.PaymentFailed, DeclineReason("authentication_required", "")
		}
	case stripego.PaymentIntentStatusRequiresPaymentMethod:
		if charge {
			st.State, st.FailureReason = gateway.PaymentFailed, paymentErrorReason(pi.LastPaymentError)
		}
	}
	return st, nil
}

// QueryRefund reports where the refund q.RefundID stands: by its Stripe id
// (q.GatewayRef, "re_…"), or, when the Refund answer was lost, by listing
// the refunds of the payment q.PaymentRef and finding MetaRefundID. The
// states are Refund's. A refund Stripe does not know is RefundNotFound.
func (g *Gateway) QueryRefund(ctx context.Context, q gateway.RefundQuery) (gateway.RefundStatus, error) {
	if q.RefundID == "" {
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "RefundID", Reason: "is empty"}
	}
	if strings.HasPrefix(q.GatewayRef, "re_") || strings.HasPrefix(q.GatewayRef, "pyr_") {
		r, err := g.api.V1Refunds.Retrieve(ctx, q.GatewayRef, nil)
		if err != nil {
			if isNotFound(err) {
				return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
			}
			return gateway.RefundStatus{}, g.classify("retrieve refund", err)
		}
		if r.Metadata[MetaRefundID] != q.RefundID {
			return gateway.RefundStatus{}, otherObject("GatewayRef", "refund")
		}
		return refundStatus(r)
	}
	if q.GatewayRef != "" {
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a Stripe Refund id"}
	}
	params := &stripego.RefundListParams{}
	switch ref := q.PaymentRef; {
	case strings.HasPrefix(ref, "pi_"):
		params.PaymentIntent = stripego.String(ref)
	case strings.HasPrefix(ref, "ch_") || strings.HasPrefix(ref, "py_"):
		params.Charge = stripego.String(ref)
	case strings.HasPrefix(ref, "cs_"):
		pi, err := g.sessionPaymentIntent(ctx, ref)
		if err != nil {
			if errors.Is(err, gateway.ErrInvalidRequest) || errors.Is(err, gateway.ErrNotFound) {
				return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
			}
			return gateway.RefundStatus{}, err
		}
		params.PaymentIntent = stripego.String(pi)
	default:
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "PaymentRef", Reason: "is not a Stripe PaymentIntent, Charge or Checkout Session id"}
	}
	params.Limit = stripego.Int64(100)
	for r, err := range g.api.V1Refunds.List(ctx, params) {
		if err != nil {
			if isNotFound(err) {
				return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
			}
			return gateway.RefundStatus{}, g.classify("list refunds", err)
		}
		if r.Metadata[MetaRefundID] == q.RefundID {
			return refundStatus(r)
		}
	}
	return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
}

// refundStatus maps a Stripe Refund.
func refundStatus(r *stripego.Refund) (gateway.RefundStatus, error) {
	state, reason := refundState(r)
	st := gateway.RefundStatus{State: state, GatewayRef: r.ID, FailureReason: reason}
	if state == gateway.RefundSucceeded {
		amount, ok := fromStripe(r.Amount, string(r.Currency))
		if !ok || !amount.IsPositive() {
			return gateway.RefundStatus{}, incomplete("retrieve refund")
		}
		st.Amount = amount
	}
	return st, nil
}

// QueryLink reports where the link q.LinkID stands, from its setup-mode
// Checkout Session (q.GatewayRef, "cs_…"): pending while open (or complete
// with a SetupIntent not yet succeeded), expired once expired, and
// succeeded, with the Token and Display the webhook would carry, once its
// SetupIntent succeeded. Without a GatewayRef there is nothing to look up
// (Stripe cannot search SetupIntents), so the answer is PaymentNotFound.
func (g *Gateway) QueryLink(ctx context.Context, q gateway.LinkQuery) (gateway.LinkStatus, error) {
	if q.LinkID == "" {
		return gateway.LinkStatus{}, &gateway.RequestError{Field: "LinkID", Reason: "is empty"}
	}
	if q.GatewayRef == "" {
		return gateway.LinkStatus{State: gateway.PaymentNotFound}, nil
	}
	if !strings.HasPrefix(q.GatewayRef, "cs_") {
		return gateway.LinkStatus{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a Stripe Checkout Session id"}
	}
	params := &stripego.CheckoutSessionRetrieveParams{}
	params.AddExpand("setup_intent.payment_method")
	s, err := g.api.V1CheckoutSessions.Retrieve(ctx, q.GatewayRef, params)
	if err != nil {
		if isNotFound(err) {
			return gateway.LinkStatus{State: gateway.PaymentNotFound}, nil
		}
		return gateway.LinkStatus{}, g.classify("retrieve checkout session", err)
	}
	if s.Metadata[MetaLinkID] != q.LinkID {
		return gateway.LinkStatus{}, otherObject("GatewayRef", "link")
	}
	switch s.Status {
	case stripego.CheckoutSessionStatusExpired:
		return gateway.LinkStatus{State: gateway.PaymentExpired, FailureReason: "The card was not saved before the page expired."}, nil
	case stripego.CheckoutSessionStatusComplete:
		si := s.SetupIntent
		if si == nil || si.Status != stripego.SetupIntentStatusSucceeded {
			return gateway.LinkStatus{State: gateway.PaymentPending}, nil
		}
		account := q.AccountID
		if account == "" {
			account = s.Metadata[MetaAccountID]
		}
		token, display, err := g.linkedCard(ctx, si, account)
		if err != nil {
			return gateway.LinkStatus{}, err
		}
		return gateway.LinkStatus{State: gateway.PaymentSucceeded, Token: token, Display: display}, nil
	}
	return gateway.LinkStatus{State: gateway.PaymentPending}, nil
}

// notFoundPayment turns a 404 into PaymentNotFound and passes other errors.
func notFoundPayment(err error) (gateway.PaymentStatus, error) {
	if errors.Is(err, gateway.ErrNotFound) {
		return gateway.PaymentStatus{State: gateway.PaymentNotFound}, nil
	}
	return gateway.PaymentStatus{}, err
}

// isNotFound reports whether err is Stripe's 404.
func isNotFound(err error) bool {
	var se *stripego.Error
	return errors.As(err, &se) && se.HTTPStatusCode == 404
}

// otherObject is the error for a reference whose metadata names another
// object of the library: a bug in the caller, never retried.
func otherObject(field, what string) error {
	return &gateway.RequestError{Field: field, Reason: "names a Stripe object of another " + what}
}

// searchString quotes s for Stripe's search query language.
func searchString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
