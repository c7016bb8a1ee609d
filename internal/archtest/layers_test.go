// Package archtest checks the module's package layering against the real
// import graph, as go list reports it. The order is documented at the top
// of docs/ARCHITECTURE.md; the table below is that order, and a change to
// one is a change to the other.
package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cloudbill/cloudbill"

// layers is the package order of billing, bottom up, by path inside the
// module. A package may import only packages of a strictly lower level,
// except that the kernel leaves of level 0 may import each other. The
// module's packages outside billing/ (storage, payment, invoice, lifecycle,
// coupon, internal/testenv, …) are level 0 too; examples/ sit on top.
// Every package under billing/ is listed: a new one must be placed here on
// purpose.
var layers = [][]string{
	0:  {"billing/money", "billing/period", "billing/pricing", "billing/metering", "billing/order", "billing/clock", "billing/fsm"},
	1:  {"billing/billingtype"},
	2:  {"billing/internal/core"},
	3:  {"billing/internal/txn", "billing/internal/outbox"},
	4:  {"billing/internal/ledger", "billing/internal/invoicing"},
	5:  {"billing/internal/usage"},
	6:  {"billing/internal/monthclose"},
	7:  {"billing/internal/resource"},
	8:  {"billing/internal/settle"},
	9:  {"billing/internal/pay"},
	10: {"billing/internal/ordering", "billing/internal/postpaid"},
	11: {"billing/internal/worker"},
	12: {facade},
	13: {"billing/portal"},
}

const (
	facade      = "billing"
	contract    = "billing/billingtype"
	internalDir = "billing/internal/"
)

// pkg is what go list says of one package of the module. Imports are those
// of the package's own files, TestImports those its _test.go files of the
// same package add. External test packages (package x_test) are not
// checked: nothing can import them.
type pkg struct {
	ImportPath  string
	Imports     []string
	TestImports []string
	Error       *struct{ Err string }
}

// listModule runs go list over every package of the module and returns
// them by path inside the module, with imports of the module the same way
// (imports from outside the module are dropped).
func listModule(t *testing.T) map[string]pkg {
	t.Helper()
	// go list rather than golang.org/x/tools/go/packages, which would make
	// x/tools a direct requirement in go.mod. -e: a package that does not
	// load (an import cycle, which a layering mistake often is) is still
	// listed with its imports.
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,TestImports,Error", module+"/...")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		rel, ok := inModule(p.ImportPath)
		if !ok {
			continue
		}
		if p.Error != nil {
			t.Errorf("%s does not load, so its imports cannot be vouched for: %s", rel, p.Error.Err)
		}
		p.ImportPath = rel
		p.Imports = moduleImports(p.Imports)
		p.TestImports = moduleImports(p.TestImports)
		pkgs[rel] = p
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list found no package of %s", module)
	}
	return pkgs
}

func inModule(path string) (string, bool) {
	if path == module {
		return ".", true
	}
	return strings.CutPrefix(path, module+"/")
}

func moduleImports(paths []string) []string {
	var rel []string
	for _, p := range paths {
		if r, ok := inModule(p); ok {
			rel = append(rel, r)
		}
	}
	return rel
}

// imports calls f for every module import of p, saying where it is made.
func (p pkg) imports(f func(imp, where string)) {
	for _, imp := range p.Imports {
		f(imp, "")
	}
	for _, imp := range p.TestImports {
		if !slices.Contains(p.Imports, imp) {
			f(imp, " (in a _test.go file)")
		}
	}
}

func levelOf() map[string]int {
	level := map[string]int{}
	for l, ps := range layers {
		for _, p := range ps {
			level[p] = l
		}
	}
	return level
}

// isBilling reports whether path is one of the billing packages the kernel
// must never see: the facade, the contract leaf, or an internal package.
func isBilling(path string) bool {
	return path == facade || path == contract || strings.HasPrefix(path, internalDir)
}

func underBilling(path string) bool { return path == facade || strings.HasPrefix(path, facade+"/") }

func describe(path string, level map[string]int) string {
	if l, ok := level[path]; ok {
		return fmt.Sprintf("%s (level %d)", path, l)
	}
	if underBilling(path) {
		return fmt.Sprintf("%s (not in the layer table)", path)
	}
	return fmt.Sprintf("%s (level 0, outside billing)", path)
}

func TestLayers(t *testing.T) {
	pkgs := listModule(t)
	level := levelOf()
	paths := slices.Sorted(maps.Keys(pkgs))

	// (d) The table and the tree agree: every package under billing/ is
	// placed, and every placed package exists.
	for _, p := range paths {
		if _, ok := level[p]; underBilling(p) && !ok {
			t.Errorf("%s is not in the layer table of internal/archtest: place it at its level (and in docs/ARCHITECTURE.md)", p)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(level)) {
		if _, ok := pkgs[p]; !ok {
			t.Errorf("%s is in the layer table of internal/archtest but is not a package of the module", p)
		}
	}

	for _, path := range paths {
		from, placed := level[path]
		if !placed {
			if underBilling(path) || strings.HasPrefix(path, "examples/") {
				// An unplaced billing package is reported by (d); the
				// examples sit on top and import what Go lets them.
				continue
			}
			from = 0 // (a) the packages outside billing are kernel leaves
		}
		pkgs[path].imports(func(imp, where string) {
			to, toPlaced := level[imp]
			if !toPlaced && !underBilling(imp) {
				return // a package outside billing: level 0
			}
			switch {
			case from == 0 && (to > 0 || isBilling(imp)):
				// (a)
				t.Errorf("%s imports %s%s: kernel leaves and the packages outside billing import only each other, never billing, billing/billingtype or billing/internal/...",
					describe(path, level), describe(imp, level), where)
			case from == 0:
				// kernel leaves may import each other
			case imp == facade && from < level[facade]:
				// (b)
				t.Errorf("%s imports %s%s: billing/billingtype and billing/internal/... never import the facade",
					describe(path, level), describe(imp, level), where)
			case from > level[facade] && strings.HasPrefix(imp, internalDir):
				t.Errorf("%s imports %s%s: packages above the facade use its public API, never billing/internal/...",
					describe(path, level), describe(imp, level), where)
			case to >= from:
				// (c)
				t.Errorf("%s imports %s%s: a package may import only packages strictly below its level",
					describe(path, level), describe(imp, level), where)
			}
		})
	}
}
