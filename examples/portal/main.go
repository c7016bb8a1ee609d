// Command portal serves a customer billing portal over the in-memory store
// with the sample catalog and a simulated MoMo gateway: resources by name
// with their billing status, renewal (previewed, then paid by credit, MoMo
// or a linked account), auto-renew and delete with its refund; open
// postpaid bills paid one or all; invoices and credit notes with HTML and
// PDF documents; the wallet and its history with top-ups through the
// simulated gateway's page, whose signed callback credits the wallet;
// payments and linked accounts — in Vietnamese or English.
//
// Three demo accounts are seeded through the real billing API (top-ups,
// purchases at different times, a delete with a refund, a promotional
// grant, a linked account, a postpaid account with open bills). Demo
// sign-in picks the account with GET /?account= and a cookie; a host uses
// its own authentication.
//
//	go run ./examples/portal            # prints the URL to open
//	go run ./examples/portal -addr 127.0.0.1:9000
//	go run ./examples/portal -check -addr 127.0.0.1:0   # start, fetch the page and a PDF, stop
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// run serves the demo until ctx ends (or, with -check, until one round of
// requests succeeded).
func run(ctx context.Context, out, errOut io.Writer, args []string) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(errOut)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	check := fs.Bool("check", false, "start, fetch the portal page and an invoice PDF, then exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	d, err := newDemo(ctx, base, errOut)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(out, "Cloudbill portal demo: open %s/\n", base)
	for _, c := range customers() {
		fmt.Fprintf(out, "  %s/?account=%s  %s\n", base, c.ID, c.Label)
	}
	if *check {
		if err = selfCheck(ctx, base); err == nil {
			fmt.Fprintln(out, "check passed: the portal page and an invoice PDF were served")
		}
	} else {
		select {
		case <-ctx.Done():
		case err = <-served:
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdown); err == nil && serr != nil {
		err = serr
	}
	if err == nil {
		fmt.Fprintln(out, "stopped")
	}
	return err
}

// selfCheck fetches the portal page and the first invoice's PDF.
func selfCheck(ctx context.Context, base string) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second, Jar: jar} // keeps the demo sign-in cookie
	get := func(path string) (string, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return "", "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", "", err
		}
		if resp.StatusCode != http.StatusOK {
			return "", "", fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return string(b), resp.Header.Get("Content-Type"), nil
	}
	page, _, err := get("/?account=minhanh")
	if err != nil {
		return err
	}
	_, href, ok := strings.Cut(page, `class="invoice-pdf" href="`)
	if !ok {
		return errors.New("the portal page lists no invoice")
	}
	href, _, _ = strings.Cut(href, `"`)
	pdf, ct, err := get(href)
	if err != nil {
		return err
	}
	if ct != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		return fmt.Errorf("GET %s: %s is not a PDF", href, ct)
	}
	return nil
}
