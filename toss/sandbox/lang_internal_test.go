package sandbox

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Korean message the API can send has an English text: the test reads
// the package's source for the messages given to newError and errInvalid
// (a literal, or a literal prefix joined to a detail) and to the Payment's
// failure, so a new message without a translation fails here. The control
// API (control.go, faults.go) and the browser pages (browser.go) speak
// Korean only and are not read.
func TestEveryMessageHasEnglish(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go") && fi.Name() != "control.go" && fi.Name() != "faults.go" && fi.Name() != "browser.go"
	}, 0)
	require.NoError(t, err)
	literal := func(e ast.Expr) (string, bool) {
		for {
			b, ok := e.(*ast.BinaryExpr)
			if !ok {
				break
			}
			e = b.X // "prefix: " + detail
		}
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	seen := 0
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				var msg ast.Expr
				switch n := n.(type) {
				case *ast.CallExpr:
					id, ok := n.Fun.(*ast.Ident)
					switch {
					case ok && id.Name == "newError" && len(n.Args) == 2:
						msg = n.Args[1]
					case ok && id.Name == "errInvalid" && len(n.Args) == 1:
						msg = n.Args[0]
					}
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Message" {
						msg = n.Value
					}
				}
				if msg == nil {
					return true
				}
				s, ok := literal(msg)
				if !ok {
					return true // a variable: checked where it was built
				}
				seen++
				en := englishMessage("X", s+"detail")
				if strings.HasSuffix(s, ": ") {
					require.True(t, strings.HasSuffix(en, "detail"), "%s: %q keeps no detail", fset.Position(msg.Pos()), s)
				} else {
					en = englishMessage("X", s)
				}
				require.NotContains(t, en, "The request failed with", "%s: no English for %q", fset.Position(msg.Pos()), s)
				return true
			})
		}
	}
	require.Greater(t, seen, 80)
}

func TestLangOf(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]lang{
		"":                           korean,
		"en-US":                      english,
		"en":                         english,
		"EN-us":                      english,
		"ko-KR":                      korean,
		"ko-KR,ko;q=0.9,en-US;q=0.8": korean,
		"en-US,en;q=0.9,ko;q=0.8":    english,
		"ko;q=0.5, en-GB;q=0.7":      english,
		"en;q=0":                     korean,
		"fr-FR":                      korean,
		"english":                    korean,
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", header)
		require.Equal(t, want, langOf(r), "Accept-Language: %q", header)
	}
}
