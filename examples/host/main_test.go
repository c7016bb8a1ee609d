package main

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHostAppliesEveryEventKind runs the example and checks that its
// handler applied every event kind at least once.
func TestHostAppliesEveryEventKind(t *testing.T) {
	var out bytes.Buffer
	seen, err := run(context.Background(), &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if missing := Missing(seen); len(missing) > 0 {
		t.Fatalf("never applied %v\n%s", missing, out.String())
	}
	for _, want := range []string{
		"[payment.credited] tell alice: 33.34 USD went to credit",
		"[payment.failed] tell alice: 33.34 USD payment",
		"[resource.resize] reshape",
		"[invoice.collected] e-mail bob: paid 1 invoice(s)",
		"[usage.stop] stop metered services",
		"[resource.release] delete the machine and its data",
		"bob paid 33.34 USD of INV-2026-000010 from credit: succeeded",
		"[refund.succeeded] tell alice: refund",
		"[refund.failed] tell alice: refund",
		"declined: card account closed)",
		"(from its query)",
		"[payment.mismatch] alert finance: card reported 1.00 USD paid",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), "\n"); n > 200 {
		t.Errorf("%d lines of output, want a readable story of at most 200", n)
	}
}

// TestAllEventKindsIsComplete: AllEventKinds and ShownElsewhere together
// list every EventKind constant package billing re-exports (declared in
// billing/billingtype), each once, so a new kind fails here until the
// example's handler applies it or its place is said.
func TestAllEventKindsIsComplete(t *testing.T) {
	files, err := filepath.Glob("../../billing/billingtype/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var declared []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "EventKind" {
					for _, n := range vs.Names {
						declared = append(declared, n.Name)
					}
				}
			}
		}
	}
	if len(declared) == 0 {
		t.Fatal("found no EventKind constants in package billingtype")
	}
	listed := slices.Concat(AllEventKinds, ShownElsewhere)
	if len(declared) != len(listed) {
		t.Errorf("package billingtype declares %d event kinds %v; AllEventKinds and ShownElsewhere list %d", len(declared), declared, len(listed))
	}
	for i, k := range listed {
		if k == "" || slices.Index(listed, k) != i {
			t.Errorf("event kind %d of AllEventKinds and ShownElsewhere is empty or repeated: %q", i, k)
		}
	}
}
