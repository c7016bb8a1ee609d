package core

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// InstrumentationName names the tracer and the meter of a System.
const InstrumentationName = "github.com/cloudbill/cloudbill/billing"

// Attribute keys of spans and metrics. Values are operation, sweep, call
// and gateway names, results and error kinds: never ids, amounts, tokens
// or anything a customer typed.
const (
	attrOperation = attribute.Key("cloudbill.operation")
	attrResult    = attribute.Key("cloudbill.result")
	attrErrorKind = attribute.Key("cloudbill.error.kind")
	attrSweep     = attribute.Key("cloudbill.sweep")
	attrItemKind  = attribute.Key("cloudbill.item.kind")
	attrGateway   = attribute.Key("cloudbill.gateway")
	attrCall      = attribute.Key("cloudbill.gateway.call")
	attrItems     = attribute.Key("cloudbill.tick.items")
	attrFailures  = attribute.Key("cloudbill.tick.failures")
	attrMore      = attribute.Key("cloudbill.tick.more")
)

// Telemetry holds a System's tracer and instruments. A nil *Telemetry is
// telemetry switched off: every method returns at once, so an operation
// pays one nil check.
type Telemetry struct {
	tracer            trace.Tracer
	ops               metric.Int64Counter
	opDuration        metric.Float64Histogram
	sweepItems        metric.Int64Counter
	sweepDuration     metric.Float64Histogram
	itemFailures      metric.Int64Counter
	backlogged        metric.Int64Gauge
	outboxLag         metric.Float64Gauge
	outboxUndelivered metric.Int64Gauge
	gatewayDuration   metric.Float64Histogram
	gatewayErrors     metric.Int64Counter
}

// NewTelemetry builds the instruments from the host's providers; with
// neither it returns nil (switched off), and a missing one is a no-op.
func NewTelemetry(tp trace.TracerProvider, mp metric.MeterProvider) (*Telemetry, error) {
	if tp == nil && mp == nil {
		return nil, nil
	}
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	m := mp.Meter(InstrumentationName)
	t := &Telemetry{tracer: tp.Tracer(InstrumentationName)}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	var err error
	t.ops, err = m.Int64Counter("cloudbill.operations", metric.WithUnit("{operation}"),
		metric.WithDescription("Public operations of the System, by operation, result and error kind."))
	add(err)
	t.opDuration, err = m.Float64Histogram("cloudbill.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("Latency of the System's public operations, by operation and result."))
	add(err)
	t.sweepItems, err = m.Int64Counter("cloudbill.tick.items", metric.WithUnit("{item}"),
		metric.WithDescription("Due items a tick's sweep handled, failed ones included, by sweep."))
	add(err)
	t.sweepDuration, err = m.Float64Histogram("cloudbill.tick.sweep.duration", metric.WithUnit("s"),
		metric.WithDescription("Latency of a tick's sweeps, by sweep."))
	add(err)
	t.itemFailures, err = m.Int64Counter("cloudbill.tick.item_failures", metric.WithUnit("{item}"),
		metric.WithDescription("Items a tick could not process, by item kind; each is retried later."))
	add(err)
	t.backlogged, err = m.Int64Gauge("cloudbill.tick.backlog", metric.WithUnit("1"),
		metric.WithDescription("1 when the last tick left due work behind (a full page), 0 when it drained everything due."))
	add(err)
	t.outboxLag, err = m.Float64Gauge("cloudbill.outbox.lag", metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest undelivered outbox event; 0 when none waits."))
	add(err)
	t.outboxUndelivered, err = m.Int64Gauge("cloudbill.outbox.undelivered", metric.WithUnit("{event}"),
		metric.WithDescription("Outbox events not delivered yet."))
	add(err)
	t.gatewayDuration, err = m.Float64Histogram("cloudbill.gateway.duration", metric.WithUnit("s"),
		metric.WithDescription("Latency of payment gateway calls, by gateway, call and result."))
	add(err)
	t.gatewayErrors, err = m.Int64Counter("cloudbill.gateway.errors", metric.WithUnit("{call}"),
		metric.WithDescription("Payment gateway calls that failed, by gateway, call and error kind."))
	add(err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// Op is one public operation in flight: its span and its start.
type Op struct {
	t     *Telemetry
	ctx   context.Context
	span  trace.Span
	name  string
	start time.Time
}

// Start opens the span of the public operation name and returns the
// context its work runs under (the span its parent, so SQL statements and
// gateway calls nest under it).
func (t *Telemetry) Start(ctx context.Context, name string) (context.Context, Op) {
	if t == nil {
		return ctx, Op{}
	}
	ctx, span := t.tracer.Start(ctx, "billing."+name, trace.WithAttributes(attrOperation.String(name)))
	return ctx, Op{t: t, ctx: ctx, span: span, name: name, start: time.Now()}
}

// End closes the operation with the error *errp (nil: it succeeded),
// recording the result and the error's kind on the span and the metrics.
// It is deferred with a pointer to the named error result.
func (o Op) End(errp *error) {
	if o.t == nil {
		return
	}
	var err error
	if errp != nil {
		err = *errp
	}
	attrs := resultAttrs(attrOperation.String(o.name), err)
	o.span.SetAttributes(attrs[1:]...)
	if err != nil {
		o.span.SetStatus(codes.Error, ErrorKind(err))
	}
	o.span.End()
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	o.t.ops.Add(o.ctx, 1, set)
	o.t.opDuration.Record(o.ctx, time.Since(o.start).Seconds(), set)
}

// resultAttrs are first, the result, and the error kind when err is set.
func resultAttrs(first attribute.KeyValue, err error) []attribute.KeyValue {
	if err == nil {
		return []attribute.KeyValue{first, attrResult.String("ok")}
	}
	return []attribute.KeyValue{first, attrResult.String("error"), attrErrorKind.String(ErrorKind(err))}
}

// SweepSpan is one of a tick's sweeps in flight.
type SweepSpan struct {
	t     *Telemetry
	ctx   context.Context
	span  trace.Span
	name  string
	start time.Time
}

// StartSweep opens the span of the tick's sweep name.
func (t *Telemetry) StartSweep(ctx context.Context, name string) (context.Context, SweepSpan) {
	if t == nil {
		return ctx, SweepSpan{}
	}
	ctx, span := t.tracer.Start(ctx, "billing.tick."+name, trace.WithAttributes(attrSweep.String(name)))
	return ctx, SweepSpan{t: t, ctx: ctx, span: span, name: name, start: time.Now()}
}

// End closes the sweep: items it handled, the failures it reported (each
// counted by kind), whether it left a full page behind, and its error.
func (w SweepSpan) End(items int, failures []billingtype.ItemFailure, more bool, err error) {
	if w.t == nil {
		return
	}
	w.span.SetAttributes(attrItems.Int(items+len(failures)), attrFailures.Int(len(failures)), attrMore.Bool(more))
	attrs := resultAttrs(attrSweep.String(w.name), err)
	w.span.SetAttributes(attrs[1:]...)
	if err != nil {
		w.span.SetStatus(codes.Error, ErrorKind(err))
	}
	w.span.End()
	sweep := metric.WithAttributeSet(attribute.NewSet(attrSweep.String(w.name)))
	w.t.sweepItems.Add(w.ctx, int64(items+len(failures)), sweep)
	w.t.sweepDuration.Record(w.ctx, time.Since(w.start).Seconds(), metric.WithAttributeSet(attribute.NewSet(attrs...)))
	for _, f := range failures {
		w.t.itemFailures.Add(w.ctx, 1, metric.WithAttributeSet(attribute.NewSet(attrItemKind.String(string(f.Kind)))))
	}
}

// TickDone records whether a tick left due work behind.
func (t *Telemetry) TickDone(ctx context.Context, more bool) {
	if t == nil {
		return
	}
	v := int64(0)
	if more {
		v = 1
	}
	t.backlogged.Record(ctx, v)
}

// Enabled reports whether telemetry is on, for work done only to feed it
// (reading the outbox's backlog after a tick).
func (t *Telemetry) Enabled() bool { return t != nil }

// OutboxBacklog records the outbox's backlog as seen at now.
func (t *Telemetry) OutboxBacklog(ctx context.Context, b storage.OutboxBacklog, now time.Time) {
	if t == nil {
		return
	}
	lag := 0.0
	if !b.OldestCreatedAt.IsZero() {
		lag = max(0, now.Sub(b.OldestCreatedAt).Seconds())
	}
	t.outboxLag.Record(ctx, lag)
	t.outboxUndelivered.Record(ctx, b.Undelivered)
}

// GatewayCall is one call to a payment gateway in flight.
type GatewayCall struct {
	t     *Telemetry
	ctx   context.Context
	span  trace.Span
	gw    string
	call  string
	start time.Time
}

// StartGateway opens the span of call (CreatePayment, Charge, Refund, …)
// to the gateway named gw.
func (t *Telemetry) StartGateway(ctx context.Context, gw, call string) (context.Context, GatewayCall) {
	if t == nil {
		return ctx, GatewayCall{}
	}
	ctx, span := t.tracer.Start(ctx, "gateway."+call, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attrGateway.String(gw), attrCall.String(call)))
	return ctx, GatewayCall{t: t, ctx: ctx, span: span, gw: gw, call: call, start: time.Now()}
}

// End closes the gateway call with its error (nil: it answered).
func (g GatewayCall) End(err error) {
	if g.t == nil {
		return
	}
	attrs := append(resultAttrs(attrGateway.String(g.gw), err), attrCall.String(g.call))
	g.span.SetAttributes(attrs[1:]...)
	if err != nil {
		g.span.SetStatus(codes.Error, ErrorKind(err))
	}
	g.span.End()
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	g.t.gatewayDuration.Record(g.ctx, time.Since(g.start).Seconds(), set)
	if err != nil {
		g.t.gatewayErrors.Add(g.ctx, 1, set)
	}
}

// errorKinds are the stable names of the errors an operation returns, the
// more specific first; the values are part of the metrics' contract and
// never change.
var errorKinds = []struct {
	err  error
	kind string
}{
	{billingtype.ErrInvalidIdempotencyKey, "invalid_idempotency_key"},
	{billingtype.ErrIdempotencyConflict, "idempotency_conflict"},
	{billingtype.ErrInvalidConfig, "invalid_config"},
	{billingtype.ErrInvalidRequest, "invalid_request"},
	{billingtype.ErrAccountNotFound, "account_not_found"},
	{billingtype.ErrAccountExists, "account_exists"},
	{billingtype.ErrCurrencyMismatch, "currency_mismatch"},
	{billingtype.ErrUnknownGateway, "unknown_gateway"},
	{billingtype.ErrGatewayUnavailable, "gateway_unavailable"},
	{billingtype.ErrPaymentNotFound, "payment_not_found"},
	{billingtype.ErrLinkedAccountNotFound, "linked_account_not_found"},
	{billingtype.ErrPaymentLinkNotFound, "payment_link_not_found"},
	{billingtype.ErrCallbackRejected, "callback_rejected"},
	{billingtype.ErrQuoteChanged, "quote_changed"},
	{billingtype.ErrOrderNotFound, "order_not_found"},
	{billingtype.ErrResourceNotFound, "resource_not_found"},
	{billingtype.ErrPostpaidResource, "postpaid_resource"},
	{billingtype.ErrInvoiceNotFound, "invoice_not_found"},
	{billingtype.ErrCouponExists, "coupon_exists"},
	{billingtype.ErrNotRefundable, "not_refundable"},
	{billingtype.ErrNotPayable, "not_payable"},
	{billingtype.ErrAmountDue, "amount_due"},
	{billingtype.ErrSameConfiguration, "same_configuration"},
	{billingtype.ErrEInvoiceNotFound, "einvoice_not_found"},
	{billingtype.ErrEInvoiceState, "einvoice_state"},
	{billingtype.ErrEInvoicesOff, "einvoices_off"},
	{payment.ErrInsufficientCredit, "insufficient_credit"},
	{gateway.ErrDeclined, "gateway_declined"},
	{gateway.ErrTemporary, "gateway_temporary"},
	{gateway.ErrInvalidRequest, "gateway_invalid_request"},
	{gateway.ErrConflict, "gateway_conflict"},
	{gateway.ErrNotFound, "gateway_not_found"},
	{gateway.ErrUnsupported, "gateway_unsupported"},
	{storage.ErrNotFound, "not_found"},
	{storage.ErrDuplicate, "duplicate"},
	{storage.ErrInvalidRecord, "invalid_record"},
	{context.Canceled, "canceled"},
	{context.DeadlineExceeded, "deadline_exceeded"},
}

// ErrorKind names err for telemetry: the first of errorKinds it matches,
// or "internal". The name says what kind of failure it was and nothing of
// the request.
func ErrorKind(err error) string {
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	return "internal"
}
