package gatewaysim

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Gateway is a simulated payment provider. It implements gateway.Gateway,
// is safe for concurrent use, and is deterministic: references, event ids
// and tokens come from counters, times from Config.Now, so the same calls
// produce the same callbacks byte for byte.
type Gateway struct {
	cfg      Config
	verifier *gateway.Verifier

	mu             sync.Mutex
	seq            map[string]int // next number per id prefix
	defaultOutcome Outcome
	outcomes       map[string]Outcome // by PaymentID or RefundID
	payments       map[string]*payment
	refunds        map[string]*refund
	links          map[string]*link
	tokens         map[string]string // raw token (Reveal) -> owning AccountID; a Token cannot be a map key
	queue          []Callback
	calls          []Call
	queryErr       error            // returned by every query while set
	refundMode     RefundSettlement // how accepted refunds are settled
	refundOutcome  Outcome          // for refunds without an outcome of their own
}

var (
	_ gateway.Gateway = (*Gateway)(nil)
	_ gateway.Querier = (*Gateway)(nil)
)

// paymentState is where a simulated payment is.
type paymentState uint8

const (
	statePending paymentState = iota
	stateSucceeded
	stateFailed
	stateExpired
)

// payment is the simulator's record of a CreatePayment or Charge.
type payment struct {
	charge    bool // made by Charge rather than CreatePayment
	accountID string
	amount    money.Amount
	token     gateway.Token // the charged token, for a charge
	redirect  gateway.Redirect
	state     paymentState
	reason    string       // failure reason, once failed
	refunded  money.Amount // sum of refunds so far
	// reported is the amount the provider reports as paid when it is not
	// amount (SetReportedAmount); zero: amount.
	reported money.Amount
	// expiresAt is the request's ExpiresAt: a payment page still unpaid
	// then is reported expired by QueryPayment.
	expiresAt time.Time
}

// refund is the simulator's record of a Refund.
type refund struct {
	req    gateway.RefundRequest
	result gateway.RefundResult
	// state is where the refund stands (pending until CompleteRefund for
	// a Pending outcome).
	state  gateway.RefundState
	reason string
}

// link is the simulator's record of a StartLink.
type link struct {
	accountID string
	redirect  gateway.Redirect
	done      bool
}

// New returns a simulated gateway for cfg. Every outcome starts as Succeed.
// A missing Secret or Now, or a malformed Name or BaseURL, is a
// *ConfigError.
func New(cfg Config) (*Gateway, error) {
	cfg, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	v, err := gateway.NewVerifier(cfg.Tolerance, cfg.Secret)
	if err != nil { // unreachable: normalise checked both
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return &Gateway{
		cfg:      cfg,
		verifier: v,
		seq:      map[string]int{},
		outcomes: map[string]Outcome{},
		payments: map[string]*payment{},
		refunds:  map[string]*refund{},
		links:    map[string]*link{},
		tokens:   map[string]string{},
	}, nil
}

// Name returns Config.Name.
func (g *Gateway) Name() string { return g.cfg.Name }

// Format prints the simulator as gatewaysim.Gateway("<name>") for every verb,
// so that printing or logging it never shows its secret or the tokens it
// issued, which its unexported fields hold.
func (g *Gateway) Format(f fmt.State, verb rune) {
	if g == nil {
		fmt.Fprint(f, "gatewaysim.Gateway(nil)")
		return
	}
	fmt.Fprintf(f, "gatewaysim.Gateway(%q)", g.cfg.Name)
}

// SetOutcome programs what happens to the payment (or refund) with id,
// overriding the default. It applies to calls made after it, so a test can
// let a Charge time out, then set Succeed and watch the retry go through.
func (g *Gateway) SetOutcome(id string, o Outcome) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.outcomes[id] = o
}

// SetDefaultOutcome programs what happens to every payment without its own
// outcome. It does not apply to refunds, which succeed unless SetOutcome
// names their RefundID.
func (g *Gateway) SetDefaultOutcome(o Outcome) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.defaultOutcome = o
}

// SetReportedAmount makes the provider report paymentID as paid with
// amount, in its success callback and its status queries, whatever was
// asked: a provider that took another amount. A payment not created yet
// is ErrNotFound-wrapped.
func (g *Gateway) SetReportedAmount(paymentID string, amount money.Amount) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, ok := g.payments[paymentID]
	if !ok {
		return fmt.Errorf("%w: payment %q", gateway.ErrNotFound, paymentID)
	}
	p.reported = amount
	return nil
}

// outcomeFor returns the outcome for a payment id; the caller holds mu.
func (g *Gateway) outcomeFor(paymentID string) Outcome {
	if o, ok := g.outcomes[paymentID]; ok {
		return o
	}
	return g.defaultOutcome
}

// ParseCallback verifies and decodes a callback with the simulator's secret
// (gateway.VerifyAndDecode), and also refuses an authentic event that names
// another gateway.
func (g *Gateway) ParseCallback(now time.Time, header http.Header, body []byte) (gateway.Event, error) {
	ev, err := gateway.VerifyAndDecode(g.verifier, now, header, body)
	if err != nil {
		return gateway.Event{}, err
	}
	if ev.Gateway != g.cfg.Name {
		return gateway.Event{}, &gateway.EventError{Field: "gateway", Reason: "is not this gateway's name"}
	}
	return ev, nil
}

// next returns the next id with prefix ("pay_000001", after
// Config.IDPrefix and a dash when set); the caller holds mu.
func (g *Gateway) next(prefix string) string {
	g.seq[prefix]++
	id := fmt.Sprintf("%s_%06d", prefix, g.seq[prefix])
	if g.cfg.IDPrefix != "" {
		id = g.cfg.IDPrefix + "-" + id
	}
	return id
}

// emit completes ev with an id, the gateway's name and the current time,
// and returns it signed; the caller holds mu.
func (g *Gateway) emit(ev gateway.Event) (Callback, error) {
	now := g.cfg.Now()
	ev.ID = g.next("evt")
	ev.Gateway = g.cfg.Name
	ev.OccurredAt = now
	body, err := gateway.EncodeEvent(ev)
	if err != nil {
		return Callback{}, fmt.Errorf("gatewaysim: encode %s: %w", ev.Type, err)
	}
	// Callback.Event is the decoded body, so it equals what ParseCallback
	// returns (UTC, no monotonic clock reading) and a test can compare them.
	decoded, err := gateway.DecodeEvent(body)
	if err != nil {
		return Callback{}, fmt.Errorf("gatewaysim: decode %s: %w", ev.Type, err)
	}
	return g.sign(decoded, body, now), nil
}

// sign returns a Callback for body signed with the secret at t.
func (g *Gateway) sign(ev gateway.Event, body []byte, t time.Time) Callback {
	return signWith(g.cfg.Secret, ev, body, t)
}

// signWith returns a Callback for body signed with secret at t.
func signWith(secret []byte, ev gateway.Event, body []byte, t time.Time) Callback {
	h := http.Header{}
	h.Set(gateway.SignatureHeader, gateway.Sign(secret, t, body))
	h.Set("Content-Type", "application/json")
	return Callback{Header: h, Body: body, Event: ev}
}

// record appends a call; the caller holds mu.
func (g *Gateway) record(c Call) {
	c.Seq = len(g.calls) + 1
	c.At = g.cfg.Now()
	g.calls = append(g.calls, c)
}
