package httpd

import (
	"net/http"
	"strconv"

	"github.com/casedesk/casedesk"
)

// webhookRequest is the body of POST /api/v1/webhooks.
type webhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// handleCreateWebhook answers with the webhook and its signing secret, which
// no later request shows.
func (s *Server) handleCreateWebhook(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var req webhookRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	hook := &casedesk.Webhook{URL: req.URL, Events: req.Events}
	secret, err := s.DB.CreateWebhook(r.Context(), a, hook)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"webhook": hook,
		"secret":  secret,
		"message": "Keep the secret now: it is not shown again. Each delivery carries X-Casedesk-Signature: sha256=<hex HMAC-SHA256 of \"<X-Casedesk-Timestamp>.<body>\">.",
	})
}

func (s *Server) handleListDeliveries(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit := 0
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 || limit > 200 {
			s.fail(w, r, casedesk.FieldErrorf("limit", "must be a number from 1 to 200"))
			return
		}
	}
	deliveries, err := s.DB.ListDeliveries(r.Context(), a, id, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": deliveries})
}
