package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDemoProductsHaveCategories: every demo product gets a valid category,
// so the demo shop's home page has a category filter.
func TestDemoProductsHaveCategories(t *testing.T) {
	t.Parallel()
	require.Len(t, demoCategories, len(demoProducts))
	for _, p := range demoProducts {
		p.Category = demoCategories[p.Name]
		require.NotEmpty(t, p.Category, p.Name)
		require.NoError(t, p.Validate(), p.Name)
	}
}
