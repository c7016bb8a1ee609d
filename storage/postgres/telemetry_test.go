package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// retriesMetric reads cloudbill.store.retries by SQLSTATE.
func retriesMetric(t *testing.T, reader *sdkmetric.ManualReader) map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "cloudbill.store.retries" {
				continue
			}
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				code, _ := p.Attributes.Value("db.response.status_code")
				out[code.AsString()] = p.Value
			}
		}
	}
	return out
}

// TestStatementsAreChildSpans: with Options.TracerProvider, Open traces
// each statement of a transaction run under a span as a child of that
// span, or of the postgres.BATCH span of the round trip that sent it (an
// INSERT for the account, none of its arguments recorded); a transaction
// run outside any span makes no span.
func TestStatementsAreChildSpans(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	st, err := postgres.Open(ctx, pgtest.DSN(t), postgres.Options{Schema: schema, TracerProvider: tp})
	require.NoError(t, err)
	t.Cleanup(st.Close)

	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		return tx.Accounts().Create(ctx, account("outside-any-span"))
	}))
	assert.Empty(t, spans.GetSpans(), "no parent span, no statement span")

	parentCtx, parent := tp.Tracer("test").Start(ctx, "billing.CreateAccount")
	require.NoError(t, st.InTx(parentCtx, func(ctx context.Context, tx storage.Tx) error {
		return tx.Accounts().Create(ctx, account("secret-account-id"))
	}))
	parent.End()
	var inserts int
	batches := map[trace.SpanID]bool{}
	for _, s := range spans.GetSpans() {
		if s.Name == "postgres.BATCH" {
			batches[s.SpanContext.SpanID()] = true
		}
	}
	for _, s := range spans.GetSpans() {
		if s.Name == "billing.CreateAccount" {
			continue
		}
		under := s.Parent.SpanID() == parent.SpanContext().SpanID() || s.Name != "postgres.BATCH" && batches[s.Parent.SpanID()]
		assert.True(t, under, "%s is a child of the operation, or of a batch of it", s.Name)
		for _, kv := range s.Attributes {
			assert.NotContains(t, kv.Value.String(), "secret-account-id", "no argument is recorded")
		}
		if s.Name == "postgres.INSERT" {
			inserts++
		}
	}
	assert.Equal(t, 1, inserts, "one INSERT for the account")
}

// TestQueryTracerOnAHostPool: a host's own pool gets the same spans by
// setting QueryTracer on its config.
func TestQueryTracerOnAHostPool(t *testing.T) {
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	cfg, err := pgxpool.ParseConfig(pgtest.DSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.Tracer = postgres.QueryTracer(tp)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ctx, parent := tp.Tracer("test").Start(ctx, "host")
	var one int
	require.NoError(t, pool.QueryRow(ctx, "SELECT 1").Scan(&one))
	parent.End()
	require.Len(t, spans.GetSpans(), 2)
	assert.Equal(t, "postgres.SELECT", spans.GetSpans()[0].Name)
}
