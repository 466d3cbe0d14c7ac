package httpd

import (
	"context"
	"net/http"
	"strconv"

	"github.com/casedesk/casedesk"
)

// webhookRequest is the body of POST /api/v1/webhooks.
type webhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// createWebhook answers with the webhook and its signing secret, which no
// later request shows.
func (s *Server) createWebhook(ctx context.Context, a *casedesk.Actor, req webhookRequest) (map[string]any, error) {
	hook := &casedesk.Webhook{URL: req.URL, Events: req.Events}
	secret, err := s.DB.CreateWebhook(ctx, a, hook)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"webhook": hook,
		"secret":  secret,
		"message": "Keep the secret now: it is not shown again. Each delivery carries X-Casedesk-Signature: sha256=<hex HMAC-SHA256 of \"<X-Casedesk-Timestamp>.<body>\">.",
	}, nil
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
