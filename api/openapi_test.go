package api_test

import (
	"flag"
	"net/http"
	"os"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
)

var update = flag.Bool("update", false, "rewrite api/openapi.yaml from the registered operations")

// TestOpenAPIGolden fails when the operations drift from the committed
// api/openapi.yaml; `go test ./api -run OpenAPI -update` regenerates it.
func TestOpenAPIGolden(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	humaAPI, err := api.Register(http.NewServeMux(), apptest.NewAPI(t, env).Deps)
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
	humaAPI, err := api.Register(http.NewServeMux(), apptest.NewAPI(t, env).Deps)
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
			if op.RequestBody != nil && op.OperationID != "receiveWebhook" {
				requireExamples(t, doc, op.RequestBody.Content["application/json"].Schema, name)
			}
			for code, res := range op.Responses {
				if mt := res.Content["application/json"]; mt != nil && code < "300" {
					requireExamples(t, doc, mt.Schema, name+" "+code)
				}
			}
		}
	}
	require.Equal(t, 26+11, n, "operations (11 of subscriptions)")
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
