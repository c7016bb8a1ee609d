package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// instrumentationName names the store's tracer and meter.
const instrumentationName = "github.com/cloudbill/cloudbill/storage/postgres"

// QueryTracer returns a pgx.QueryTracer (also a pgx.BatchTracer) that
// opens a client span (postgres.<OPERATION>, e.g. postgres.SELECT) for
// every statement run under a context that already carries a span, so a
// billing operation's statements nest under it — a batch's statements
// under its postgres.BATCH span, one round trip; statements outside any
// span are not traced.
// A span carries the operation, the statement text (with $n placeholders,
// never the arguments) and, on failure, the SQLSTATE. Open installs it
// when Options.TracerProvider is set; a host building its own pool sets it
// on pgxpool.Config.ConnConfig.Tracer.
func QueryTracer(tp trace.TracerProvider) pgx.QueryTracer {
	return queryTracer{tracer: tp.Tracer(instrumentationName)}
}

type queryTracer struct{ tracer trace.Tracer }

// queryKey is the context key of the span TraceQueryStart opened.
type queryKey struct{}

func (q queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !trace.SpanFromContext(ctx).SpanContext().IsValid() {
		return ctx
	}
	op := sqlOperation(data.SQL)
	ctx, span := q.tracer.Start(ctx, "postgres."+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "postgresql"), attribute.String("db.operation.name", op),
			attribute.String("db.query.text", data.SQL)))
	return context.WithValue(ctx, queryKey{}, span)
}

func (q queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	if span, ok := ctx.Value(queryKey{}).(trace.Span); ok {
		endWith(span, data.Err)
	}
}

// batchKey is the context key of the span TraceBatchStart opened.
type batchKey struct{}

// TraceBatchStart opens a client span (postgres.BATCH) for a batch sent
// under a context that carries a span: the statements of one unit of
// work, queued and sent together, each then a child span of it.
func (q queryTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	if !trace.SpanFromContext(ctx).SpanContext().IsValid() {
		return ctx
	}
	n := 0
	if data.Batch != nil {
		n = data.Batch.Len()
	}
	ctx, span := q.tracer.Start(ctx, "postgres.BATCH", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "postgresql"), attribute.String("db.operation.name", "BATCH"),
			attribute.Int("db.operation.batch.size", n)))
	return context.WithValue(ctx, batchKey{}, span)
}

// TraceBatchQuery records one statement of a batch as a child span of the
// batch's, ended as its result is read: the batch's span carries the
// round trip's time, the children say what was sent.
func (q queryTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	batch, ok := ctx.Value(batchKey{}).(trace.Span)
	if !ok {
		return
	}
	op := sqlOperation(data.SQL)
	_, span := q.tracer.Start(trace.ContextWithSpan(ctx, batch), "postgres."+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "postgresql"), attribute.String("db.operation.name", op),
			attribute.String("db.query.text", data.SQL)))
	endWith(span, data.Err)
}

// TraceBatchEnd ends the batch's span.
func (q queryTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	if span, ok := ctx.Value(batchKey{}).(trace.Span); ok {
		endWith(span, data.Err)
	}
}

// endWith ends span, marked failed with the SQLSTATE when err is not nil.
func endWith(span trace.Span, err error) {
	if err != nil {
		if code, ok := sqlState(err); ok {
			span.SetAttributes(attribute.String("db.response.status_code", code))
		}
		span.SetStatus(codes.Error, "statement failed")
	}
	span.End()
}

// sqlOperation is the statement's first word in upper case (SELECT,
// INSERT, WITH, …), or "QUERY".
func sqlOperation(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return "QUERY"
	}
	return strings.ToUpper(f[0])
}

// storeMetrics are the store's instruments; nil without a MeterProvider.
type storeMetrics struct {
	retries metric.Int64Counter
}

func newStoreMetrics(mp metric.MeterProvider) (*storeMetrics, error) {
	if mp == nil {
		return nil, nil
	}
	retries, err := mp.Meter(instrumentationName).Int64Counter("cloudbill.store.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Transactions the database aborted (serialization failure 40001, deadlock 40P01) that InTx ran again, by SQLSTATE."))
	if err != nil {
		return nil, err
	}
	return &storeMetrics{retries: retries}, nil
}

// retried counts a rerun after an abort with code.
func (m *storeMetrics) retried(ctx context.Context, code string) {
	if m == nil {
		return
	}
	m.retries.Add(ctx, 1, metric.WithAttributeSet(attribute.NewSet(attribute.String("db.response.status_code", code))))
}

// sqlState is err's SQLSTATE when the server reported one.
func sqlState(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code, true
	}
	return "", false
}
