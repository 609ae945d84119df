package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
)

// outboxPage lists the newest mail messages (package notify).
type outboxPage struct {
	Messages []*paydeck.OutboxMessage
	Total    int
}

// outboxShown is how many messages the page shows, newest first.
const outboxShown = 100

func (a *app) outbox(w http.ResponseWriter, r *http.Request, rq *request) {
	var p outboxPage
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		p.Messages, p.Total, err = tx.FindOutboxMessages(r.Context(), paydeck.OutboxFilter{Limit: outboxShown})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title, rq.view.Data = "outbox.title", p
	a.pages.Render(w, http.StatusOK, "outbox.html", rq.view)
}
