package web

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEveryFailReasonIsTranslated(t *testing.T) {
	t.Parallel()
	for code, key := range failReasons {
		require.Contains(t, messages, key, code)
	}
}
