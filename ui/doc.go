// Package ui holds what the shopper pages (package web) and the admin UI
// (package admin) share: the signed session cookie with its CSRF token, the
// language choice and message catalogue (Korean first, English), the layout
// and error templates, the one CSS file, and money and time formatting.
//
// It imports only the domain and the standard library; it never reaches the
// store adapters or SQL.
package ui
