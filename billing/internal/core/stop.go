package core

import "context"

// stopKey is the context key of the channel that asks a tick to stop
// claiming work.
type stopKey struct{}

// WithStop returns ctx carrying stop: once stop is closed, the sweeps of
// a tick run under it claim no further page, finish the page they hold,
// and return (a draining worker). ctx itself stays live, so the page in
// progress commits.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// Stopping reports whether the tick running under ctx was asked to stop
// claiming work (WithStop).
func Stopping(ctx context.Context) bool {
	stop, _ := ctx.Value(stopKey{}).(<-chan struct{})
	if stop == nil {
		return false
	}
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
