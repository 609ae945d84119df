package sqlcore

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
)

// NewJobsUI returns River UI for client, serving its pages and API under
// prefix. Its background services run until ctx is done. It has no access
// control of its own: mount it behind admin auth.
func NewJobsUI[TTx any](ctx context.Context, client *river.Client[TTx], prefix string, logger *slog.Logger) (http.Handler, error) {
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		Logger:    logger,
		Prefix:    prefix,
	})
	if err != nil {
		return nil, err
	}
	if err := h.Start(ctx); err != nil {
		return nil, err
	}
	return h, nil
}
