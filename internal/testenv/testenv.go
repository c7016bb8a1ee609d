// Package testenv finds the programs outside Go that some tests need
// (pdftotext to read PDFs, Chromium for browser tests) and applies the
// module's rule for them, the same as for PostgreSQL: when a program is
// missing the test is skipped with a message saying how to install it,
// except in CI (the environment variable CI is true), where a skip would
// hide a broken build, so the test fails instead.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// InCI reports whether the tests run in CI: the CI environment variable
// is a true boolean ("true", "1"), as CI services set it.
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// Unavailable skips t with why and how to fix it, or fails t in CI.
func Unavailable(t testing.TB, why, fix string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s; CI=true, so this is a failure, not a skip: %s", why, fix)
	}
	t.Skipf("%s; to run this test: %s", why, fix)
}

// LookPath returns the path of the first of names found on PATH, or
// reports the program unavailable (skip, or fail in CI) with the fix.
func LookPath(t testing.TB, fix string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Unavailable(t, names[0]+" is not installed", fix)
	return ""
}

// PDFSearchable is s as PDFText returns it: pdftotext extracts a no-break
// space (the one between an amount and its currency) as a space.
func PDFSearchable(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

// PDFText returns the text of pdf as pdftotext (poppler-utils) extracts
// it, in UTF-8: what a reader's search or copy would see.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin := LookPath(t, "apt-get install poppler-utils", "pdftotext")
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v (is the PDF valid?)", err)
	}
	return string(out)
}
