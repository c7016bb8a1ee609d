package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

// logIPN prints each IPN the site receives and the answer it gets, the
// way an access log would.
func (h *host) logIPN(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		q := r.URL.Query()
		h.say("  VNPay → GET /vnpay/ipn (vnp_TxnRef %s, vnp_Amount %s, code %s) ← %d %s", q.Get("vnp_TxnRef"),
			q.Get("vnp_Amount"), q.Get("vnp_ResponseCode"), rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// returnPage is where VNPay sends the payer back. It verifies the signed
// return URL and says what VNPay reported, next to the host's own record:
// only the IPN (or the worker's query) settles a payment.
func (h *host) returnPage(w http.ResponseWriter, r *http.Request) {
	res, err := h.vnp.VerifyReturn(r.URL.Query())
	if err != nil {
		http.Error(w, "this return link is not from VNPay", http.StatusBadRequest)
		return
	}
	recorded := "unknown"
	if p, err := h.sys.Payment(r.Context(), account, res.PaymentID); err == nil {
		recorded = string(p.Status)
	}
	fmt.Fprintf(w, "VNPay: %s (transaction %s); our record: %s", res.Message, res.GatewayRef, recorded)
}

// open has the payer's browser open a URL and returns the page's first
// line.
func (h *host) open(url string) (string, error) {
	resp, err := h.browser.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return firstLine(resp)
}

// choose has the payer press a button of VNPay's page (pay or cancel);
// the browser follows VNPay's redirect to the return page, whose text it
// returns.
func (h *host) choose(path, txnRef string) (string, error) {
	resp, err := h.browser.PostForm(h.sandbox.URL()+path, map[string][]string{"vnp_TxnRef": {txnRef}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return firstLine(resp)
}

// tags matches the HTML tags of a page's line.
var tags = regexp.MustCompile(`<[^>]*>`)

func firstLine(resp *http.Response) (string, error) {
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: HTTP %d: %s", resp.Request.URL.Path, resp.StatusCode, strings.TrimSpace(b.String()))
	}
	for line := range strings.Lines(b.String()) {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "<!doctype") && !strings.HasPrefix(l, "<title") {
			return tags.ReplaceAllString(l, ""), nil
		}
	}
	return "", nil
}
