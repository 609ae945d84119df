package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/ui"
)

// The pages for other systems: API keys, webhook endpoints and their
// delivery logs. A new key or secret is shown on the page that answers its
// creating post, never in a URL, and never again.

// apiKeysPage lists the keys; Created is the key just made (with Secret).
type apiKeysPage struct {
	Keys    []*paydeck.APIKey
	Scopes  []paydeck.Scope
	Mode    paydeck.APIKeyMode
	Created *paydeck.APIKey
	Secret  string
	Error   string
}

func (a *app) apiKeys(w http.ResponseWriter, r *http.Request, rq *request) {
	a.renderAPIKeys(w, r, rq, http.StatusOK, apiKeysPage{})
}

func (a *app) renderAPIKeys(w http.ResponseWriter, r *http.Request, rq *request, status int, p apiKeysPage) {
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		p.Keys, err = tx.FindAPIKeys(r.Context())
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p.Scopes, p.Mode = paydeck.Scopes, a.d.KeyMode
	rq.view.Title, rq.view.Data = "apikeys.title", p
	rq.view.Flash = flashFrom(rq.view)
	a.pages.Render(w, status, "apikeys.html", rq.view)
}

func (a *app) apiKeyCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	name, scopes, err := form.ParseAPIKey(r)
	var (
		k      *paydeck.APIKey
		secret string
	)
	if err == nil {
		k, secret, err = a.d.Outbound.CreateAPIKey(r.Context(), a.d.KeyMode, rq.user.ID, name, scopes)
	}
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		a.renderAPIKeys(w, r, rq, ui.HTTPStatus(err), apiKeysPage{Error: rq.view.ErrorText(err)})
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.renderAPIKeys(w, r, rq, http.StatusOK, apiKeysPage{Created: k, Secret: secret})
}

func (a *app) apiKeyRevoke(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := a.d.Outbound.RevokeAPIKey(r.Context(), r.PathValue("id")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/api-keys", "flash.revoked")
}

// webhooksPage lists the endpoints; Created is the one just made (with
// its Secret).
type webhooksPage struct {
	Endpoints []*paydeck.WebhookEndpoint
	Types     []paydeck.OutboundEventType
	Created   *paydeck.WebhookEndpoint
	Secret    string
	Error     string
	URL       string
}

func (a *app) webhooks(w http.ResponseWriter, r *http.Request, rq *request) {
	a.renderWebhooks(w, r, rq, http.StatusOK, webhooksPage{})
}

func (a *app) renderWebhooks(w http.ResponseWriter, r *http.Request, rq *request, status int, p webhooksPage) {
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		p.Endpoints, err = tx.FindWebhookEndpoints(r.Context())
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p.Types = paydeck.OutboundEventTypes
	rq.view.Title, rq.view.Data = "webhooks.title", p
	rq.view.Flash = flashFrom(rq.view)
	a.pages.Render(w, status, "webhooks.html", rq.view)
}

func (a *app) webhookCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	url, events, _, err := form.ParseEndpoint(r)
	var ep *paydeck.WebhookEndpoint
	if err == nil {
		ep, err = a.d.Outbound.CreateEndpoint(r.Context(), outbound.EndpointInput{URL: url, Events: events, Enabled: true})
	}
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		a.renderWebhooks(w, r, rq, ui.HTTPStatus(err), webhooksPage{Error: rq.view.ErrorText(err), URL: url})
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.renderWebhooks(w, r, rq, http.StatusOK, webhooksPage{Created: ep, Secret: ep.Secret})
}

// webhookPage is one endpoint with its delivery log; Secret is set right
// after a rotation.
type webhookPage struct {
	Endpoint   *paydeck.WebhookEndpoint
	Types      []paydeck.OutboundEventType
	Deliveries []*paydeck.WebhookDelivery
	Total      int
	Secret     string
	Error      string
}

// Subscribed reports whether the endpoint's filter names t.
func (p webhookPage) Subscribed(t paydeck.OutboundEventType) bool {
	for _, e := range p.Endpoint.Events {
		if e == t {
			return true
		}
	}
	return false
}

func (a *app) webhook(w http.ResponseWriter, r *http.Request, rq *request) {
	a.renderWebhook(w, r, rq, http.StatusOK, webhookPage{})
}

func (a *app) renderWebhook(w http.ResponseWriter, r *http.Request, rq *request, status int, p webhookPage) {
	id := r.PathValue("id")
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		if p.Endpoint, err = tx.FindWebhookEndpointByID(r.Context(), id); err != nil {
			return err
		}
		p.Deliveries, p.Total, err = tx.FindWebhookDeliveries(r.Context(),
			paydeck.WebhookDeliveryFilter{EndpointID: &id, Limit: 100})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p.Types = paydeck.OutboundEventTypes
	rq.view.Title, rq.view.Data = "webhook.title", p
	rq.view.Flash = flashFrom(rq.view)
	a.pages.Render(w, status, "webhook.html", rq.view)
}

func (a *app) webhookSave(w http.ResponseWriter, r *http.Request, rq *request) {
	url, events, enabled, err := form.ParseEndpoint(r)
	if err == nil {
		_, err = a.d.Outbound.UpdateEndpoint(r.Context(), r.PathValue("id"),
			outbound.EndpointInput{URL: url, Events: events, Enabled: enabled})
	}
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		a.renderWebhook(w, r, rq, ui.HTTPStatus(err), webhookPage{Error: rq.view.ErrorText(err)})
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/webhooks/"+r.PathValue("id"), "flash.saved")
}

func (a *app) webhookRotate(w http.ResponseWriter, r *http.Request, rq *request) {
	ep, err := a.d.Outbound.RotateSecret(r.Context(), r.PathValue("id"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.renderWebhook(w, r, rq, http.StatusOK, webhookPage{Secret: ep.Secret})
}

func (a *app) webhookTest(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := a.d.Outbound.SendTest(r.Context(), r.PathValue("id")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/webhooks/"+r.PathValue("id"), "flash.testsent")
}

// webhookResend sends one event of the log again to this endpoint.
func (a *app) webhookResend(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := a.d.Outbound.Resend(r.Context(), r.PostFormValue("event"), r.PathValue("id")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/webhooks/"+r.PathValue("id"), "flash.resent")
}
