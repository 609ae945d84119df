package httpx

import (
	"encoding/json"
	"net/http"

	"github.com/paydeck/paydeck"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is the stable code of the API's problems (paydeck.CodeOfStatus).
	Code string `json:"code"`
}

// WriteProblem writes an application/problem+json response with the given
// status; its title is the status text and detail must be safe to show a
// user.
func WriteProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   paydeck.CodeOfStatus(status),
	})
}
