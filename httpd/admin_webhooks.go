package httpd

import (
	"net/http"

	"github.com/casedesk/casedesk"
)

// adminWebhooksPage lists the webhooks in service. Secret is set only on the
// answer to the creation, the one time it can be shown.
type adminWebhooksPage struct {
	adminBase
	Webhooks []*casedesk.Webhook
	Secret   string
	Created  *casedesk.Webhook
}

func (s *Server) adminWebhooksData(r *http.Request, a *casedesk.Actor) (*adminWebhooksPage, error) {
	hooks, err := s.DB.ListWebhooks(r.Context(), a)
	if err != nil {
		return nil, err
	}
	return &adminWebhooksPage{adminBase: s.adminBase(r, "/admin/webhooks"), Webhooks: hooks}, nil
}

func (s *Server) handleAdminWebhooks(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page, err := s.adminWebhooksData(r, a)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_webhooks", pageData{User: u, Data: page})
}

func (s *Server) handleAdminCreateWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	hook := &casedesk.Webhook{URL: r.PostFormValue("url"), Events: adminList(r.PostFormValue("events"))}
	secret, err := s.DB.CreateWebhook(r.Context(), a, hook)
	page, perr := s.adminWebhooksData(r, a)
	if perr != nil {
		s.adminFail(w, r, u, perr)
		return
	}
	if err != nil {
		m := s.adminFormError(r, "webhook", err)
		if m == nil {
			s.adminFail(w, r, u, err)
			return
		}
		page.again(r, m)
		s.render(w, r, adminStatus(err), "admin_webhooks", pageData{User: u, Data: page})
		return
	}
	page.Secret, page.Created = secret, hook
	s.render(w, r, http.StatusCreated, "admin_webhooks", pageData{User: u, Data: page})
}

func (s *Server) handleAdminDeleteWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err == nil {
		err = s.DB.DeleteWebhook(r.Context(), a, id)
	}
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.adminDone(w, r, "/admin/webhooks", "admin.webhooks.deleted", map[string]any{"ID": id})
}

// adminDeliveriesShown is how many recent deliveries a webhook's page shows.
const adminDeliveriesShown = 50

// adminDeliveriesPage is a webhook's recent deliveries, newest first.
type adminDeliveriesPage struct {
	adminBase
	Webhook    *casedesk.Webhook // nil once deleted
	ID         int64
	Deliveries []*casedesk.WebhookDelivery
}

func (s *Server) handleAdminWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	var ds []*casedesk.WebhookDelivery
	if err == nil {
		ds, err = s.DB.ListDeliveries(r.Context(), a, id, adminDeliveriesShown)
	}
	var hooks []*casedesk.Webhook
	if err == nil {
		hooks, err = s.DB.ListWebhooks(r.Context(), a)
	}
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	page := &adminDeliveriesPage{adminBase: s.adminBase(r, "/admin/webhooks"), ID: id, Deliveries: ds}
	for _, h := range hooks {
		if h.ID == id {
			page.Webhook = h
		}
	}
	s.render(w, r, http.StatusOK, "admin_webhook", pageData{User: u, Data: page})
}
