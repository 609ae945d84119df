package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
)

//go:embed templates/*.html
var baseFS embed.FS

//go:embed static/paydeck.css
var css []byte

// CSSPath is where the stylesheet is served (by ServeCSS, mounted by web).
const CSSPath = "/static/paydeck.css"

// ServeCSS answers with the one stylesheet.
func ServeCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(css)
}

// View is the data every template receives: the page's own Data plus what
// the layout needs.
type View struct {
	Lang string
	// Area is "shop" or "admin": which navigation the layout shows.
	Area string
	// Title is a message key.
	Title string
	// User is the signed-in user, nil for a visitor.
	User *paydeck.User
	// CSRF is the token every POST form must carry in CSRFField.
	CSRF string
	// CartCount is the number of units in the cart.
	CartCount int64
	// Flash is a message key (or plain text) shown above the content.
	Flash string
	// URL is the request URL, for language links.
	URL *url.URL
	// Data is the page's own data.
	Data any
	// Status and Message describe an error (error page only).
	Status  int
	Message string

	msgs Messages
}

// T translates key into the view's language.
func (v *View) T(key string, args ...any) string { return v.msgs.Translate(v.Lang, key, args...) }

// Won formats an amount of won: "12,300원" in Korean, "₩12,300" in English.
func (v *View) Won(amount int64) string {
	s := paydeck.GroupThousands(amount)
	if v.Lang == English {
		return "₩" + s
	}
	return s + "원"
}

// Percent formats basis points as a percentage with two decimals
// (9512 → "95.12%").
func (v *View) Percent(bp int64) string {
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

// Time formats t in KST ("2006-01-02 15:04").
func (v *View) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(paydeck.KST).Format("2006-01-02 15:04")
}

// TimePtr is Time for an optional time ("" when nil).
func (v *View) TimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return v.Time(*t)
}

// Word translates a status or method word ("paid", "card") through the
// "status." keys, falling back to the word itself.
func (v *View) Word(word any) string {
	s := fmt.Sprint(word)
	if out := v.T("status." + s); out != "status."+s {
		return out
	}
	return s
}

// With returns a copy of v whose Data is data, for partial templates.
func (v *View) With(data any) *View {
	c := *v
	c.Data = data
	return &c
}

// LangURL returns the current URL with ?lang=lang, or the area's start page
// with it when the page answers a form post (its URL cannot be fetched).
func (v *View) LangURL(lang string) string {
	if v.URL == nil {
		if v.Area == "admin" {
			return "/admin/?lang=" + lang
		}
		return "/?lang=" + lang
	}
	q := v.URL.Query()
	q.Set("lang", lang)
	return v.URL.Path + "?" + q.Encode()
}

// Renderer holds every page template of one package, parsed once.
type Renderer struct {
	pages  map[string]*template.Template
	msgs   Messages
	area   string
	logger *slog.Logger
}

// funcs are the template helpers that need no language.
var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int64) int64 { return a - b },
}

// NewRenderer parses the shared layout and error page and the partials
// (templates/_*.html) of pages, then every other templates/*.html file of
// pages (each defining "content") on a copy of that set. msgs extends the
// shared catalogue; area is "shop" or "admin". A literal message key that a
// template uses but the catalogue lacks (or a message without both texts)
// is an error, so a gap fails at start.
func NewRenderer(pages fs.FS, msgs Messages, area string, logger *slog.Logger) (*Renderer, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(baseFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	if partials, _ := fs.Glob(pages, "templates/_*.html"); len(partials) > 0 {
		if base, err = base.ParseFS(pages, partials...); err != nil {
			return nil, fmt.Errorf("parse partials: %w", err)
		}
	}
	r := &Renderer{pages: map[string]*template.Template{}, msgs: baseMessages.Merge(errorMessages).Merge(msgs), area: area, logger: logger}
	if missing, err := missingKeys(pages, r.msgs); err != nil || len(missing) > 0 {
		return nil, fmt.Errorf("message catalogue incomplete: %v %v", missing, err)
	}
	r.pages["error.html"] = base
	names, err := fs.Glob(pages, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(pages, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		r.pages[path.Base(name)] = t
	}
	return r, nil
}

// NewView returns a view for r in its language with the layout fields set;
// handlers fill Title and Data.
func (rd *Renderer) NewView(w http.ResponseWriter, r *http.Request, user *paydeck.User, csrf string) *View {
	v := &View{Lang: Lang(w, r), Area: rd.area, User: user, CSRF: csrf, URL: r.URL, msgs: rd.msgs}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		v.URL = nil
	}
	return v
}

// Render executes page name (a templates/*.html file) with v and writes it
// with status. A template failure is logged and answered with a plain 500.
func (rd *Renderer) Render(w http.ResponseWriter, status int, name string, v *View) {
	t, ok := rd.pages[name]
	if !ok {
		rd.logger.Error("unknown page template", "name", name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		rd.logger.Error("render page", "name", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(labelCells(buf.Bytes()))
}

// HTTPStatus is the status of err's error page: paydeck.HTTPStatus of its
// code, the one table the API uses too (a foreign error is 500).
func HTTPStatus(err error) int { return paydeck.HTTPStatus(codeOf(err)) }

// Error renders the error page for err: its status from HTTPStatus, a
// translated headline and, when the catalogue has one, the sentence for the
// error's reason in the page's language (ErrorText). Internal errors are
// logged and shown only as the headline.
func (rd *Renderer) Error(w http.ResponseWriter, r *http.Request, v *View, err error) {
	status := HTTPStatus(err)
	if status == http.StatusInternalServerError {
		rd.logger.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	}
	v.Message, _ = v.errorReason(err)
	rd.ErrorStatus(w, v, status)
}

// ErrorStatus renders the error page for a bare HTTP status (404, 403, ...),
// with v.Message (may be empty) as detail.
func (rd *Renderer) ErrorStatus(w http.ResponseWriter, v *View, status int) {
	v.Status = status
	v.Title = "error." + strconv.Itoa(status)
	if _, ok := rd.msgs[v.Title]; !ok {
		v.Title = "error.other"
	}
	rd.Render(w, status, "error.html", v)
}
