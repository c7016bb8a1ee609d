package main

import (
	"context"
	"errors"
	"io"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/cloudbill/cloudbill/billing"
)

// stdoutTelemetry exports the System's spans, and its metrics at shutdown,
// as JSON lines to w: what a host wires to its collector instead. It
// returns the Config change that turns telemetry on and the shutdown that
// flushes both.
func stdoutTelemetry(w io.Writer) (func(*billing.Config), func(context.Context) error, error) {
	spans, err := stdouttrace.New(stdouttrace.WithWriter(w))
	if err != nil {
		return nil, nil, err
	}
	metrics, err := stdoutmetric.New(stdoutmetric.WithWriter(w))
	if err != nil {
		return nil, nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewPeriodicReader(metrics)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	on := func(c *billing.Config) { c.TracerProvider, c.MeterProvider = tp, mp }
	shutdown := func(ctx context.Context) error { return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx)) }
	return on, shutdown, nil
}
