// Package form turns the admin pages' posted forms into typed values: it
// parses and checks the fields and reports the first problem as an invalid
// *paydeck.Error whose message can be shown next to the form.
package form
