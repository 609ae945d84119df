package ui

import (
	"fmt"
	"net/http"
	"strings"
)

// Languages.
const (
	Korean  = "ko"
	English = "en"
)

// LangCookie remembers a language picked with ?lang=.
const LangCookie = "paydeck_lang"

// Lang returns the page language for r: ?lang=ko|en (remembered in a cookie
// set on w), else the cookie, else the first of ko/en in Accept-Language,
// else Korean.
func Lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == Korean || l == English {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == Korean || c.Value == English) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch primary, _, _ := strings.Cut(strings.ToLower(tag), "-"); primary {
		case Korean, English:
			return primary
		}
	}
	return Korean
}

// Messages maps message keys to their text in Korean ([0]) and English
// ([1]); either may contain fmt verbs.
type Messages map[string][2]string

// Merge returns a catalogue holding m's and other's messages; other wins on
// a clash.
func (m Messages) Merge(other Messages) Messages {
	out := make(Messages, len(m)+len(other))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range other {
		out[k] = v
	}
	return out
}

// Translate returns key's text in lang formatted with args; an unknown key
// returns the key itself so a missing message shows up in tests.
func (m Messages) Translate(lang, key string, args ...any) string {
	t, ok := m[key]
	if !ok {
		return key
	}
	s := t[0]
	if lang == English {
		s = t[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
