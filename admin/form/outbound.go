package form

import (
	"net/http"
	"slices"

	"github.com/paydeck/paydeck"
)

// ParseAPIKey reads the API key form: a name and the ticked scopes.
func ParseAPIKey(r *http.Request) (name string, scopes []paydeck.Scope, err error) {
	if err := r.ParseForm(); err != nil {
		return "", nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonFormUnreadable, "The form could not be read.")
	}
	for _, v := range r.PostForm["scope"] {
		s := paydeck.Scope(v)
		if !slices.Contains(paydeck.Scopes, s) {
			return "", nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonUnknownScope, "Unknown scope %q.", v)
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return field(r, "name"), scopes, nil
}

// ParseEndpoint reads the webhook endpoint form: URL, ticked event types
// (none means all) and the enabled checkbox.
func ParseEndpoint(r *http.Request) (url string, events []paydeck.OutboundEventType, enabled bool, err error) {
	if err := r.ParseForm(); err != nil {
		return "", nil, false, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonFormUnreadable, "The form could not be read.")
	}
	for _, v := range r.PostForm["event"] {
		t := paydeck.OutboundEventType(v)
		if !slices.Contains(paydeck.OutboundEventTypes, t) {
			return "", nil, false, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonUnknownEventType, "Unknown event type %q.", v)
		}
		events = append(events, t)
	}
	return field(r, "url"), events, checked(r, "enabled"), nil
}
