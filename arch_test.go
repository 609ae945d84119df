package paydeck_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// module is paydeck's module path.
const module = "github.com/paydeck/paydeck"

// sqlDrivers are import path prefixes of SQL drivers (and River's
// engine-specific drivers) that only store/... may use.
var sqlDrivers = []string{
	"github.com/jackc/pgx",
	"modernc.org/sqlite",
	"github.com/lib/pq",
	"github.com/mattn/go-sqlite3",
	"github.com/riverqueue/river/riverdriver/",
}

// listedPackage is the part of `go list -json` output the rules read.
type listedPackage struct {
	ImportPath   string
	Imports      []string // direct imports of the non-test files
	Deps         []string // transitive imports of the non-test files
	TestImports  []string
	XTestImports []string
}

// archRule checks one import arrow of style.md (c) for the packages it
// applies to; check returns one message per violation.
type archRule struct {
	name    string
	applies func(path string) bool
	check   func(p listedPackage) []string
}

func pkgIs(rel string) func(string) bool {
	return func(path string) bool { return path == join(rel) }
}

// pkgUnder matches the package rel and every package below it.
func pkgUnder(rel ...string) func(string) bool {
	return func(path string) bool {
		for _, r := range rel {
			if path == join(r) || strings.HasPrefix(path, join(r)+"/") {
				return true
			}
		}
		return false
	}
}

func join(rel string) string {
	if rel == "" {
		return module
	}
	return module + "/" + rel
}

// isStd reports whether path is a standard-library package (no dot in its
// first element).
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// onlyDeps flags every transitive dependency that is neither stdlib nor
// allowed.
func onlyDeps(allowed ...string) func(listedPackage) []string {
	return func(p listedPackage) []string {
		var bad []string
		for _, d := range p.Deps {
			if !isStd(d) && !slices.Contains(allowed, d) {
				bad = append(bad, fmt.Sprintf("%s depends on %s", p.ImportPath, d))
			}
		}
		return bad
	}
}

// noDepsUnder flags every transitive dependency under one of the prefixes.
func noDepsUnder(prefixes ...string) func(listedPackage) []string {
	return func(p listedPackage) []string {
		var bad []string
		for _, d := range p.Deps {
			for _, pre := range prefixes {
				if d == strings.TrimSuffix(pre, "/") || strings.HasPrefix(d, strings.TrimSuffix(pre, "/")+"/") {
					bad = append(bad, fmt.Sprintf("%s depends on %s", p.ImportPath, d))
				}
			}
		}
		return bad
	}
}

// noImportsUnder flags direct imports under prefix, in non-test files and,
// when tests is set, in test files too.
func noImportsUnder(prefix string, tests bool) func(listedPackage) []string {
	return func(p listedPackage) []string {
		imports := p.Imports
		if tests {
			imports = slices.Concat(p.Imports, p.TestImports, p.XTestImports)
		}
		var bad []string
		for _, imp := range imports {
			if imp == prefix || strings.HasPrefix(imp, prefix+"/") {
				bad = append(bad, fmt.Sprintf("%s imports %s", p.ImportPath, imp))
			}
		}
		return bad
	}
}

// archRules are the import arrows of style.md (c).
var archRules = []archRule{
	{"RootImportsOnlyStdlib", pkgIs(""), onlyDeps()},
	{"TossImportsOnlyStdlib", pkgIs("toss"), onlyDeps()},
	{"WebhookImportsOnlyStdlib", pkgIs("webhook"), onlyDeps()},
	{"SandboxImportsOnlyStdlibAndToss", pkgUnder("toss/sandbox"), onlyDeps(join("toss"))},
	{"AppLayersNeverReachStoreOrSQL", pkgUnder("api", "web", "admin", "ui", "payment", "account", "outbound", "subscription", "notify"),
		noDepsUnder(append([]string{join("store")}, sqlDrivers...)...)},
	{"AccountSitsBelowTheAppLayers", pkgUnder("account"),
		noDepsUnder(join("api"), join("web"), join("admin"), join("ui"), join("payment"), join("jobs"), join("toss"))},
	{"UISitsBelowThePages", pkgUnder("ui"),
		noDepsUnder(join("api"), join("web"), join("admin"), join("payment"), join("jobs"), join("toss"))},
	{"NotifySitsBelowTheAppLayers", pkgUnder("notify"),
		noDepsUnder(join("api"), join("web"), join("admin"), join("ui"), join("jobs"), join("outbound"))},
	{"NothingImportsCmd", func(path string) bool { return !strings.HasPrefix(path, join("cmd")+"/") },
		noImportsUnder(join("cmd"), true)},
	{"StoretestOnlyInTests", func(path string) bool { return !testSupport(path) },
		noDepsUnder(join("store/storetest"))},
	{"ApptestOnlyInTests", func(path string) bool { return !testSupport(path) },
		noDepsUnder(join("internal/apptest"))},
	{"PaymentNeverReachesSubscription", pkgUnder("payment"), noDepsUnder(join("subscription"))},
	{"ApptestCoreNeverCompilesPages", pkgIs("internal/apptest"),
		noDepsUnder(join("web"), join("admin"), join("ui"), "github.com/chromedp")},
	// The load tool drives paydeck over HTTP and reaches the database only
	// through its probe's own driver: none of paydeck's packages but the
	// sandbox's client-side names (control header, public test keys).
	{"BenchSpeaksHTTPAndItsProbesDriver", pkgUnder("bench"), func(p listedPackage) []string {
		var bad []string
		for _, d := range p.Deps {
			if (d == module || strings.HasPrefix(d, module+"/")) && !pkgUnder("bench", "toss/sandbox", "toss")(d) {
				bad = append(bad, fmt.Sprintf("%s depends on %s", p.ImportPath, d))
			}
		}
		return bad
	}},
	{"MoneyTestsNeverCompilePages", pkgUnder("payment", "jobs"),
		noImportsUnder(join("internal/apptest/sitetest"), true)},
}

// testSupport reports whether path is a test-support package: one imported
// only from _test.go files, which may import the others.
func testSupport(path string) bool {
	return path == join("store/storetest") || pkgUnder("internal/apptest")(path)
}

// goList runs `go list -e -json` on every package of the module.
func goList(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps,TestImports,XTestImports", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		pkgs = append(pkgs, p)
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}

// checkRule returns the violations of r among pkgs and how many packages it
// applied to.
func checkRule(r archRule, pkgs []listedPackage) (violations []string, checked int) {
	for _, p := range pkgs {
		if r.applies(p.ImportPath) {
			checked++
			violations = append(violations, r.check(p)...)
		}
	}
	return violations, checked
}

// TestImportArrows fails when an import points the wrong way. Rules whose
// packages do not exist yet skip.
func TestImportArrows(t *testing.T) {
	t.Parallel()
	pkgs := goList(t)
	for _, r := range archRules {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			violations, checked := checkRule(r, pkgs)
			if checked == 0 {
				t.Skip("no package of this rule exists yet")
			}
			require.Empty(t, violations)
		})
	}
}

// TestImportArrowRulesCatchViolations proves each rule can fail.
func TestImportArrowRulesCatchViolations(t *testing.T) {
	t.Parallel()
	bad := []listedPackage{
		{ImportPath: module, Deps: []string{"fmt", "github.com/google/uuid"}},
		{ImportPath: join("toss"), Deps: []string{join("")}},
		{ImportPath: join("webhook"), Deps: []string{join("")}},
		{ImportPath: join("toss/sandbox"), Deps: []string{join("toss"), join("payment")}},
		{ImportPath: join("api"), Deps: []string{join("payment"), join("store/postgres")}},
		{ImportPath: join("admin/form"), Deps: []string{"github.com/jackc/pgx/v5"}},
		{ImportPath: join("web"), Imports: []string{join("cmd/paydeck")}},
		{ImportPath: join("jobs"), Deps: []string{join("store/storetest")}},
		{ImportPath: join("api"), Deps: []string{join("internal/apptest")}},
		{ImportPath: join("account"), Deps: []string{join("auth"), join("ui"), join("store/sqlite")}},
		{ImportPath: join("payment"), Deps: []string{join("subscription")}},
		{ImportPath: join("notify"), Deps: []string{join("payment"), join("ui")}},
		{ImportPath: join("ui"), Deps: []string{join("account"), join("payment")}},
		{ImportPath: join("internal/apptest"), Deps: []string{join("store"), "github.com/chromedp/chromedp"}},
		{ImportPath: join("jobs"), XTestImports: []string{join("internal/apptest/sitetest")}},
		{ImportPath: join("bench"), Deps: []string{join("store"), join("toss/sandbox"), "github.com/jackc/pgx/v5"}},
	}
	want := map[string]int{
		"RootImportsOnlyStdlib":             1,
		"TossImportsOnlyStdlib":             1,
		"WebhookImportsOnlyStdlib":          1,
		"SandboxImportsOnlyStdlibAndToss":   1,
		"AppLayersNeverReachStoreOrSQL":     3,
		"AccountSitsBelowTheAppLayers":      1,
		"NotifySitsBelowTheAppLayers":       1,
		"UISitsBelowThePages":               1,
		"ApptestCoreNeverCompilesPages":     1,
		"MoneyTestsNeverCompilePages":       1,
		"NothingImportsCmd":                 1,
		"StoretestOnlyInTests":              1,
		"ApptestOnlyInTests":                1,
		"PaymentNeverReachesSubscription":   1,
		"BenchSpeaksHTTPAndItsProbesDriver": 1,
	}
	for _, r := range archRules {
		violations, _ := checkRule(r, bad)
		require.Len(t, violations, want[r.name], r.name)
	}

	good := []listedPackage{
		{ImportPath: module, Deps: []string{"context", "time"}},
		{ImportPath: join("toss/sandbox"), Deps: []string{join("toss"), "net/http"}},
		{ImportPath: join("store/sqlite"), Deps: []string{"modernc.org/sqlite"}, XTestImports: []string{join("store/storetest")}},
		{ImportPath: join("cmd/paydeck"), Imports: []string{join("store")}},
		{ImportPath: join("internal/apptest"), Deps: []string{join("store/storetest"), join("payment")}},
		{ImportPath: join("payment"), XTestImports: []string{join("internal/apptest")}},
		{ImportPath: join("bench"), Deps: []string{join("toss/sandbox"), join("toss"), "github.com/jackc/pgx/v5", "modernc.org/sqlite"}},
		{ImportPath: join("account"), Deps: []string{join(""), join("auth"), "github.com/golang-jwt/jwt/v5"},
			XTestImports: []string{join("internal/apptest")}},
	}
	for _, r := range archRules {
		violations, _ := checkRule(r, good)
		require.Empty(t, violations, r.name)
	}
}
