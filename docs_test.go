package paydeck_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Toss facts the code relies on are in docs/toss.md. Notes kept outside
// the repository (the team's shared Toss notes) must not be cited: a
// newcomer with a clone alone could not follow them.
var (
	outsideNotes = regexp.MustCompile(`shared` + `/toss|\b(?:` +
		strings.Join([]string{"API", "PAYMENT_OBJECT", "ERRORS", "CLIENT_FLOW", "WEBHOOKS", "SOURCES"}, "|") + `)\.md\b`)
	tossDocRef   = regexp.MustCompile(`docs/toss\.md#([A-Za-z0-9_-]+)`)
	docAnchor    = regexp.MustCompile(`<a id="([a-z0-9-]+)"></a>`)
	inDocLink    = regexp.MustCompile(`\]\(#([A-Za-z0-9_-]+)\)`)
	checkedFiles = []string{".go", ".js", ".html", ".css", ".sql", ".md", ".yaml", ".yml", ".sh"}
)

// referenceProblems returns one message per reference in text (from file
// name) that does not resolve inside the repository.
func referenceProblems(name, text string, anchors map[string]bool) []string {
	var out []string
	for i, line := range strings.Split(text, "\n") {
		where := name + ":" + strconv.Itoa(i+1)
		if m := outsideNotes.FindString(line); m != "" {
			out = append(out, where+": cites "+m+", which is outside the repository; cite a docs/toss.md section")
		}
		for _, m := range tossDocRef.FindAllStringSubmatch(line, -1) {
			if !anchors[m[1]] {
				out = append(out, where+": docs/toss.md has no anchor "+m[1])
			}
		}
	}
	return out
}

func tossDocAnchors(t *testing.T) (map[string]bool, string) {
	t.Helper()
	doc, err := os.ReadFile("docs/toss.md")
	require.NoError(t, err)
	anchors := make(map[string]bool)
	for _, m := range docAnchor.FindAllStringSubmatch(string(doc), -1) {
		require.False(t, anchors[m[1]], "docs/toss.md defines anchor %q twice", m[1])
		anchors[m[1]] = true
	}
	require.NotEmpty(t, anchors)
	return anchors, string(doc)
}

// TestReferencesResolveInsideRepository reads every source and documentation
// file of the repository (not node_modules or testdata) and fails on a
// citation of the shared Toss notes or of a docs/toss.md anchor that does
// not exist; docs/toss.md's own links must name its anchors too.
func TestReferencesResolveInsideRepository(t *testing.T) {
	t.Parallel()
	anchors, doc := tossDocAnchors(t)
	for _, m := range inDocLink.FindAllStringSubmatch(doc, -1) {
		require.True(t, anchors[m[1]], "docs/toss.md links to #%s, which it does not define", m[1])
	}
	var problems []string
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		isChecked := false
		for _, e := range checkedFiles {
			isChecked = isChecked || ext == e
		}
		if !isChecked || path == "docs_test.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		problems = append(problems, referenceProblems(filepath.ToSlash(path), string(b), anchors)...)
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, files, 100, "the walk must see the repository")
	require.Empty(t, problems, "references that do not resolve inside the repository:\n%s", strings.Join(problems, "\n"))
}

// The check finds what it is meant to find.
func TestReferenceProblemsCatchViolations(t *testing.T) {
	t.Parallel()
	anchors := map[string]bool{"confirm": true}
	text := "// ok (docs/toss.md#confirm)\n" +
		"// bad (API" + ".md §3.1)\n" +
		"// bad (../shared" + "/toss/WEBHOOKS" + ".md)\n" +
		"// bad (docs/toss.md#no-such-section)\n"
	got := referenceProblems("x.go", text, anchors)
	require.Len(t, got, 3, "%q", got)
	require.Contains(t, got[0], "x.go:2: cites API.md")
	require.Contains(t, got[1], "x.go:3: cites shared/toss")
	require.Contains(t, got[2], "x.go:4: docs/toss.md has no anchor no-such-section")
}
