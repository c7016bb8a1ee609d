package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// telemetry is an in-memory span exporter and a manual metric reader.
type telemetry struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
}

func withTelemetry(t *testing.T) (telemetry, func(*billing.Config)) {
	tel := telemetry{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tel.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	return tel, func(c *billing.Config) { c.TracerProvider, c.MeterProvider = tp, mp }
}

// span returns the attributes of the spans called name, as strings.
func (tel telemetry) spansNamed(name string) []map[string]string {
	var out []map[string]string
	for _, s := range tel.spans.GetSpans() {
		if s.Name != name {
			continue
		}
		m := map[string]string{}
		for _, kv := range s.Attributes {
			m[string(kv.Key)] = kv.Value.String()
		}
		out = append(out, m)
	}
	return out
}

// metric collects and returns the data points of the metric called name,
// each as its attributes and value (a histogram's value is its count).
func (tel telemetry) points(t *testing.T, name string) map[string]float64 {
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	out := map[string]float64{}
	key := func(set attribute.Set) string {
		s := ""
		for _, kv := range set.ToSlice() {
			if s != "" {
				s += ","
			}
			s += string(kv.Key) + "=" + kv.Value.String()
		}
		return s
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = float64(p.Value)
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = float64(p.Value)
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[key(p.Attributes)] = float64(p.Count)
				}
			}
		}
	}
	return out
}

// TestTelemetryOfOperationsSweepsAndGateways: two account creations (one
// refused), a top-up through the simulated gateway and a purchase give
// spans and metrics with the operation, result and error kind; a tick at
// T−7 gives a span per sweep, the resources sweep handling the one due
// resource, and the outbox's backlog; no span carries an account id.
func TestTelemetryOfOperationsSweepsAndGateways(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		tel, on := withTelemetry(t)
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t); on(c) })
		ctx := context.Background()

		_, err := e.sys.CreateAccount(ctx, "k1", billing.CreateAccountRequest{ID: "acme-secret-id"})
		require.NoError(t, err)
		_, err = e.sys.CreateAccount(ctx, "k2", billing.CreateAccountRequest{ID: ""})
		require.ErrorIs(t, err, billing.ErrInvalidRequest)
		assert.Equal(t, []map[string]string{
			{"cloudbill.operation": "CreateAccount", "cloudbill.result": "ok"},
			{"cloudbill.operation": "CreateAccount", "cloudbill.result": "error", "cloudbill.error.kind": "invalid_request"},
		}, tel.spansNamed("billing.CreateAccount"))
		ops := tel.points(t, "cloudbill.operations")
		assert.Equal(t, 1.0, ops["cloudbill.operation=CreateAccount,cloudbill.result=ok"])
		assert.Equal(t, 1.0, ops["cloudbill.error.kind=invalid_request,cloudbill.operation=CreateAccount,cloudbill.result=error"])
		assert.Equal(t, 1.0, tel.points(t, "cloudbill.operation.duration")["cloudbill.error.kind=invalid_request,cloudbill.operation=CreateAccount,cloudbill.result=error"])

		e.topUp(t, "acme-secret-id", 181_000)
		assert.Equal(t, []map[string]string{{"cloudbill.gateway": "sim", "cloudbill.gateway.call": "CreatePayment", "cloudbill.result": "ok"}},
			tel.spansNamed("gateway.CreatePayment"))
		assert.Equal(t, 1.0, tel.points(t, "cloudbill.gateway.duration")["cloudbill.gateway=sim,cloudbill.gateway.call=CreatePayment,cloudbill.result=ok"])
		assert.Empty(t, tel.points(t, "cloudbill.gateway.errors"))
		r := e.buy(t, "acme-secret-id", small, period.Days(30))

		e.clk.Set(r.PeriodEnd.Add(-7 * day))
		tel.spans.Reset()
		rep, err := e.sys.Tick(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, 1, rep.Resources)
		sweeps := map[string]map[string]string{}
		for _, s := range tel.spans.GetSpans() {
			if s.Parent.IsValid() && len(s.Name) > len("billing.tick.") && s.Name[:len("billing.tick.")] == "billing.tick." {
				m := map[string]string{}
				for _, kv := range s.Attributes {
					m[string(kv.Key)] = kv.Value.String()
				}
				sweeps[s.Name] = m
			}
		}
		assert.Equal(t, map[string]string{"cloudbill.sweep": "resources", "cloudbill.tick.items": "1", "cloudbill.tick.failures": "0",
			"cloudbill.tick.more": "false", "cloudbill.result": "ok"}, sweeps["billing.tick.resources"])
		assert.Len(t, sweeps, 6, "six sweeps without an EventHandler: %v", sweeps)
		assert.Equal(t, 1.0, tel.points(t, "cloudbill.tick.items")["cloudbill.sweep=resources"])
		assert.Equal(t, 0.0, tel.points(t, "cloudbill.tick.backlog")[""])
		undelivered := tel.points(t, "cloudbill.outbox.undelivered")[""]
		assert.Positive(t, undelivered, "the purchase's and the reminder's events wait")
		assert.Equal(t, (23*24*time.Hour + 2*time.Second).Seconds(), tel.points(t, "cloudbill.outbox.lag")[""],
			"the top-up's event has waited since 09:00 on the first day")

		for _, s := range tel.spans.GetSpans() {
			for _, kv := range s.Attributes {
				assert.NotContains(t, kv.Value.String(), "acme-secret-id", "span %s carries no account id", s.Name)
			}
		}
	})
}

// TestTelemetryCountsItemFailuresByKind: a tick whose event handler
// refuses every event reports each failure, and the item failures metric
// counts them by kind.
func TestTelemetryCountsItemFailuresByKind(t *testing.T) {
	tel, on := withTelemetry(t)
	e := newEnvWith(t, newMemory(), func(c *billing.Config) {
		c.Catalog = taxFree(t)
		c.EventHandler = func(context.Context, billing.Event) error { return assert.AnError }
		on(c)
	})
	e.fund(t, "acme", 181_000)
	rep, err := e.sys.Tick(context.Background(), 10)
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1, "the top-up's event")
	assert.Equal(t, map[string]float64{"cloudbill.item.kind=event": 1}, tel.points(t, "cloudbill.tick.item_failures"))
	assert.Equal(t, "1", tel.spansNamed("billing.tick.events")[0]["cloudbill.tick.failures"])
}
