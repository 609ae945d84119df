package postgres

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// TestUnlessRefused: only an error the server reported for the statement
// sent with a COMMIT proves the COMMIT did not run; the store may then run
// the transaction again. Anything else (a broken connection) may have lost
// the answer of a commit that happened, and must not be run again.
func TestUnlessRefused(t *testing.T) {
	refused := fmt.Errorf("batch: %w", &pgconn.PgError{Code: "P0002", Message: "combined write to orders wrote no row"})
	require.Same(t, refused, unlessRefused(refused))
	var ce *sqlcore.CommitError
	require.False(t, errors.As(unlessRefused(refused), &ce))

	lost := unlessRefused(io.ErrUnexpectedEOF)
	require.ErrorAs(t, lost, &ce)
	require.ErrorIs(t, lost, io.ErrUnexpectedEOF)
}
