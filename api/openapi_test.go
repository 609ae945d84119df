package api_test

import (
	"flag"
	"net/http"
	"os"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

var update = flag.Bool("update", false, "rewrite api/openapi.yaml from the registered operations")

// TestOpenAPIGolden fails when the operations drift from the committed
// api/openapi.yaml; `go test ./api -run OpenAPI -update` regenerates it.
func TestOpenAPIGolden(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	humaAPI, err := api.Register(http.NewServeMux(), apitest.NewAPI(t, env).Deps)
	require.NoError(t, err)
	got, err := humaAPI.OpenAPI().YAML()
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile("openapi.yaml", got, 0o644))
	}
	want, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "api/openapi.yaml is stale: run go test ./api -run OpenAPI -update")
}

// TestEveryOperationIsDocumented: each operation has a summary, a
// description and tags; each request body and JSON response has a schema
// whose properties carry examples.
func TestEveryOperationIsDocumented(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	humaAPI, err := api.Register(http.NewServeMux(), apitest.NewAPI(t, env).Deps)
	require.NoError(t, err)
	doc := humaAPI.OpenAPI()
	n := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Patch, item.Put, item.Delete} {
			if op == nil {
				continue
			}
			n++
			name := op.Method + " " + path
			require.NotEmpty(t, op.Summary, name)
			require.NotEmpty(t, op.Description, name)
			require.NotEmpty(t, op.Tags, name)
			if op.RequestBody != nil && op.OperationID != "receiveWebhook" && op.OperationID != "putProductImage" {
				requireExamples(t, doc, op.RequestBody.Content["application/json"].Schema, name)
			}
			for code, res := range op.Responses {
				if mt := res.Content["application/json"]; mt != nil && code < "300" {
					requireExamples(t, doc, mt.Schema, name+" "+code)
				}
			}
		}
	}
	require.Equal(t, 50+11+4, n, "operations (11 of subscriptions, 4 of returns and couriers, 4 of coupons)")

	// Every outbound event type is documented under webhooks: a POST of
	// the versioned envelope with the Standard Webhooks headers.
	require.Len(t, doc.Webhooks, len(paydeck.OutboundEventTypes))
	for _, typ := range paydeck.OutboundEventTypes {
		item := doc.Webhooks[string(typ)]
		require.NotNil(t, item, typ)
		require.NotNil(t, item.Post, typ)
		env := item.Post.RequestBody.Content["application/json"].Schema
		require.ElementsMatch(t, []string{"id", "type", "version", "created", "data"}, env.Required, typ)
		require.Equal(t, []any{string(typ)}, env.Properties["type"].Enum)
		require.NotEmpty(t, env.Properties["data"].Ref, "%s: data is the API's own representation", typ)
		var headers []string
		for _, p := range item.Post.Parameters {
			headers = append(headers, p.Name)
		}
		require.Equal(t, []string{"webhook-id", "webhook-timestamp", "webhook-signature"}, headers, typ)
	}
}

// requireExamples fails unless s (or the schema it refers to) has a
// property with an example.
func requireExamples(t *testing.T, doc *huma.OpenAPI, s *huma.Schema, name string) {
	t.Helper()
	require.NotNil(t, s, name)
	if s.Ref != "" {
		s = doc.Components.Schemas.SchemaFromRef(s.Ref)
	}
	for _, p := range s.Properties {
		if len(p.Examples) > 0 || p.Ref != "" || (p.Items != nil && p.Items.Ref != "") {
			return
		}
	}
	t.Fatalf("%s: no property has an example", name)
}
