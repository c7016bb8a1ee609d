package stripe_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// stripeMockFix says how to get stripe-mock, the fake Stripe API that
// validates every request against Stripe's OpenAPI specification.
const stripeMockFix = "go install github.com/stripe/stripe-mock@v0.203.0"

// mockURL is the base URL of the stripe-mock that TestMain started, or ""
// with mockErr saying why there is none.
var (
	mockURL string
	mockErr string
)

func TestMain(m *testing.M) {
	stop := startStripeMock()
	code := m.Run()
	stop()
	os.Exit(code)
}

// startStripeMock starts stripe-mock on a port the system chooses and
// returns how to stop it; when it cannot, mockErr says why and the tests
// that need it skip (or fail under CI) through internal/testenv.
func startStripeMock() (stop func()) {
	bin, err := exec.LookPath("stripe-mock")
	if err != nil {
		mockErr = "stripe-mock is not installed"
		return func() {}
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:")
	out, err := cmd.StdoutPipe()
	if err != nil {
		mockErr = "stripe-mock: " + err.Error()
		return func() {}
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		mockErr = "stripe-mock did not start: " + err.Error()
		return func() {}
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			// "Listening for HTTP at address: 127.0.0.1:40123"
			if a, ok := strings.CutPrefix(sc.Text(), "Listening for HTTP at address: "); ok && !sent {
				addr <- strings.TrimSpace(a)
				sent = true
			}
		}
	}()
	select {
	case a := <-addr:
		mockURL = "http://" + a
	case <-time.After(20 * time.Second):
		mockErr = "stripe-mock did not report its address within 20s"
		stop()
		return func() {}
	}
	return stop
}

// describeMock is for failure messages.
func describeMock() string { return fmt.Sprintf("stripe-mock at %q", mockURL) }
