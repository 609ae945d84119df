package api

import (
	"net/http"

	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"
)

// docsCSP lets the Swagger UI page run: its assets come from paydeck
// itself, but its start-up script and styles are inline.
const docsCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"frame-ancestors 'none'"

// mountDocs serves Swagger UI for /openapi.json at /docs, with every asset
// embedded in the binary, so the page works without internet access.
func mountDocs(mux *http.ServeMux) {
	ui := v5emb.NewWithConfig(swgui.Config{Title: "paydeck API", SwaggerJSON: "/openapi.json", BasePath: "/docs/",
		HideCurl: false, ShowTopBar: false})("paydeck API", "/openapi.json", "/docs/")
	mux.Handle("GET /docs/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", docsCSP)
		ui.ServeHTTP(w, r)
	}))
	mux.Handle("GET /docs", http.RedirectHandler("/docs/", http.StatusMovedPermanently))
}
