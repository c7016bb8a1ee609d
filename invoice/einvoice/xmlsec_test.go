package einvoice_test

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/internal/testenv"
)

// TestSignatureVerifiesWithXmlsec1 checks the seller's signature with an
// independent implementation of XML-DSig, xmlsec1 (the tool e-invoice
// providers and the tax authority's own software build on): it must
// verify the signed invoice with the seller's certificate, and refuse it
// once an amount is changed.
func TestSignatureVerifiesWithXmlsec1(t *testing.T) {
	bin := testenv.LookPath(t, "apt-get install xmlsec1", "xmlsec1")
	inv := twoRateInvoice(t)
	inv.Issued = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	s := testSigner(t)
	signed, err := inv.SignedXML(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert := filepath.Join(dir, "seller.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	verify := func(doc []byte) (string, error) {
		path := filepath.Join(dir, "invoice.xml")
		if err := os.WriteFile(path, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(t.Context(), bin, "--verify", "--id-attr:Id", "DLHDon",
			"--pubkey-cert-pem", cert, path).CombinedOutput()
		return string(out), err
	}
	if out, err := verify(signed); err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("xmlsec1 refuses the signed invoice: %v\n%s", err, out)
	}
	tampered := []byte(strings.Replace(string(signed), "<TgTTTBSo>1266950</TgTTTBSo>", "<TgTTTBSo>1266951</TgTTTBSo>", 1))
	if out, err := verify(tampered); err == nil {
		t.Fatalf("xmlsec1 accepts a changed total:\n%s", out)
	}
}
