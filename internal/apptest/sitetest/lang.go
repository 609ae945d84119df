package sitetest

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// Text is one piece of a page's visible text with the language it is
// marked in: the lang attribute of its nearest element that has one.
type Text struct {
	Lang string
	Text string
}

var (
	tokenPattern = regexp.MustCompile(`(?s)<!--.*?-->|<(/?)([a-zA-Z0-9]+)([^>]*)>|[^<]+`)
	attrPattern  = regexp.MustCompile(`(?s)([a-zA-Z-]+)\s*=\s*"([^"]*)"`)
	// voidTags have no closing tag.
	voidTags = map[string]bool{"br": true, "hr": true, "img": true, "input": true, "meta": true, "link": true,
		"source": true, "wbr": true, "col": true, "area": true, "base": true}
	// shownAttrs are attributes whose text a user reads (or hears).
	shownAttrs = []string{"title", "placeholder", "aria-label", "alt"}
)

// PageTexts returns the visible text of an HTML page of ours: text outside
// script, style and template elements, the attributes a user reads
// (title, placeholder, aria-label, alt) and the value of button inputs,
// each with its language. It reads the markup our templates write, not
// any HTML.
func PageTexts(page string) []Text {
	type open struct{ tag, lang string }
	stack := []open{{"", ""}}
	hidden := 0 // depth inside script/style/template
	var out []Text
	add := func(lang, s string) {
		if s = strings.Join(strings.Fields(html.UnescapeString(s)), " "); s != "" {
			out = append(out, Text{Lang: lang, Text: s})
		}
	}
	for _, m := range tokenPattern.FindAllStringSubmatch(page, -1) {
		tok, closing, tag, attrs := m[0], m[1] == "/", strings.ToLower(m[2]), m[3]
		switch {
		case strings.HasPrefix(tok, "<!--"):
		case tag == "" && !strings.HasPrefix(tok, "<"):
			if hidden == 0 {
				add(stack[len(stack)-1].lang, tok)
			}
		case closing:
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].tag == tag {
					stack = stack[:i]
					break
				}
			}
			if tag == "script" || tag == "style" || tag == "template" {
				hidden = max(hidden-1, 0)
			}
		default:
			lang := stack[len(stack)-1].lang
			kv := map[string]string{}
			for _, a := range attrPattern.FindAllStringSubmatch(attrs, -1) {
				kv[strings.ToLower(a[1])] = a[2]
			}
			if l, ok := kv["lang"]; ok {
				lang = l
			}
			if tag == "code" || tag == "kbd" || tag == "samp" {
				lang = "zxx" // no linguistic content: codes, keys, commands
			}
			if hidden == 0 {
				for _, a := range shownAttrs {
					add(lang, kv[a])
				}
				if tag == "input" && (kv["type"] == "submit" || kv["type"] == "button") {
					add(lang, kv["value"])
				}
			}
			if tag == "script" || tag == "style" || tag == "template" {
				hidden++
			}
			if !voidTags[tag] && !strings.HasSuffix(strings.TrimSpace(attrs), "/") {
				stack = append(stack, open{tag, lang})
			}
		}
	}
	return out
}

var (
	hangul = regexp.MustCompile(`\p{Hangul}`)
	// latinRun is two or more Latin words in a row: a phrase or sentence.
	latinRun = regexp.MustCompile(`[A-Za-z][A-Za-z'’]*(?:[ ,.:;!?()–-]+[A-Za-z][A-Za-z'’]*)+`)
	// rawCode is a lower-case snake_case word: a status or method code
	// that reached the page untranslated.
	rawCode = regexp.MustCompile(`(?:^|[\s(])([a-z]+_[a-z_]+)(?:$|[\s),.])`)
)

// ForeignText returns the pieces of page's visible text (see PageTexts) in
// the script of the other language: Hangul on an "en" page, a run of two or
// more Latin words on a "ko" page, and on either a raw snake_case code
// (paid_out, waiting_for_deposit). Text marked with a lang attribute of its
// own language is checked against that language instead. allow lists what
// may appear in either script: names the test typed (products, people,
// addresses), brand words (paydeck, Toss Payments); every occurrence is
// taken out before checking. Tokens holding a digit, @, /, _ or ., or
// starting with -, are codes, e-mail addresses, URLs or flags, which every
// page may show; so is text in code, kbd and samp elements.
func ForeignText(page string, allow []string) []string {
	allow = slices.Clone(allow)
	slices.SortFunc(allow, func(a, b string) int { return len(b) - len(a) }) // longest first: a name inside a longer one
	var bad []string
	for _, t := range PageTexts(page) {
		s := t.Text
		for _, a := range allow {
			s = strings.ReplaceAll(s, a, " ")
		}
		var words []string
		for _, w := range strings.Fields(s) {
			if !strings.HasPrefix(w, "-") && !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsDigit(r) || strings.ContainsRune("@/_.#=", r) }) {
				words = append(words, w)
			}
		}
		plain := strings.Join(words, " ")
		if t.Lang == "zxx" {
			continue
		}
		if m := rawCode.FindStringSubmatch(s); m != nil {
			bad = append(bad, t.Lang+": raw code "+m[1]+" in "+t.Text)
			continue
		}
		switch {
		case strings.HasPrefix(t.Lang, "en") && hangul.MatchString(plain):
			bad = append(bad, "en: "+t.Text)
		case strings.HasPrefix(t.Lang, "ko"):
			if m := latinRun.FindString(plain); m != "" {
				bad = append(bad, "ko: "+m+" in "+t.Text)
			}
		}
	}
	return bad
}

var hrefPattern = regexp.MustCompile(`href="(/[^"#]*)`)

// Links returns the same-site links (href="/…") of an HTML page, unescaped,
// without fragments.
func Links(page string) []string {
	var out []string
	for _, m := range hrefPattern.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// idSegment is a path segment that names one record (holds a digit).
var idSegment = regexp.MustCompile(`/[^/?]*[0-9][^/?]*`)

// PageShape is path with its record IDs and query values taken out
// (/orders/20261204-x?page=2 → /orders/*?page): pages of one shape render
// one template, so a crawl fetches one of each.
func PageShape(path string) string {
	p, q, _ := strings.Cut(path, "?")
	p = idSegment.ReplaceAllString(p, "/*")
	var keys []string
	for _, kv := range strings.Split(q, "&") {
		if k, _, _ := strings.Cut(kv, "="); k != "" && k != "lang" {
			keys = append(keys, k)
		}
	}
	return p + "?" + strings.Join(keys, "&")
}

// CheckLanguage fetches path as v in lang and fails t when the page does
// not answer wantStatus (0: any status below 500) or shows text in the
// other language's script (ForeignText with allow). It returns the page.
func CheckLanguage(t testing.TB, v *Visitor, lang, path string, wantStatus int, allow []string) *Page {
	t.Helper()
	p := v.Get(t, WithLang(path, lang))
	checkPage(t, p, lang, "GET "+path, wantStatus, allow)
	return p
}

func checkPage(t testing.TB, p *Page, lang, what string, wantStatus int, allow []string) {
	t.Helper()
	if wantStatus == 0 {
		require.Less(t, p.Status, 500, "%s: %s", what, p.Body)
	} else {
		require.Equal(t, wantStatus, p.Status, "%s: %s", what, p.Body)
	}
	if p.Status/100 == 3 || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
		return
	}
	require.Contains(t, p.Body, `<html lang="`+lang+`"`, what)
	if bad := ForeignText(p.Body, allow); len(bad) > 0 {
		t.Errorf("%s in %s shows the other language:\n  %s", what, lang, strings.Join(bad, "\n  "))
	}
}

// CheckLanguagePost posts form to path as v after switching v to lang
// (the language cookie), and checks the answer as CheckLanguage does.
func CheckLanguagePost(t testing.TB, v *Visitor, lang, path string, form url.Values, wantStatus int, allow []string) *Page {
	t.Helper()
	v.Get(t, WithLang("/login", lang))
	p := v.Post(t, path, form)
	checkPage(t, p, lang, "POST "+path, wantStatus, allow)
	return p
}

// Crawl fetches, as v in lang, one page of every shape (PageShape) linked
// from pages that are not yet in seen, skipping paths with a prefix in
// skip, and checks each with CheckLanguage. It returns the paths fetched.
func Crawl(t testing.TB, v *Visitor, lang string, pages []*Page, seen map[string]bool, skip []string, allow []string) []string {
	t.Helper()
	var done []string
	for _, p := range pages {
	links:
		for _, l := range Links(p.Body) {
			for _, s := range skip {
				if strings.HasPrefix(l, s) {
					continue links
				}
			}
			if strings.Contains(l, "lang=") || seen[PageShape(l)] {
				continue
			}
			seen[PageShape(l)] = true
			CheckLanguage(t, v, lang, l, 0, allow)
			done = append(done, l)
		}
	}
	return done
}
