package form

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
)

// field returns the trimmed posted value of name.
func field(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// integer parses the posted value of name as an int64 (commas allowed);
// label names the field in the error.
func integer(r *http.Request, name, label string) (int64, error) {
	v, err := strconv.ParseInt(strings.ReplaceAll(field(r, name), ",", ""), 10, 64)
	if err != nil {
		return 0, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonNotANumber, "%s must be a whole number.", label)
	}
	return v, nil
}

// checked reports whether the checkbox name was posted ticked.
func checked(r *http.Request, name string) bool { return r.PostFormValue(name) != "" }
