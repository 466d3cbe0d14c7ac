package httpd

import (
	"context"
	"net/http"

	"github.com/casedesk/casedesk"
)

// byID adapts a service call about the object named by the path value "id"
// into a handler that answers with its result as JSON. Most API reads are
// exactly this.
func byID[Res any](s *Server, do func(ctx context.Context, a *casedesk.Actor, id int64) (Res, error)) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		id, err := pathID(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		res, err := do(r.Context(), a, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

// byIDWith is byID for calls that also take a JSON body, decoded strictly
// into Req; the result is written with status.
func byIDWith[Req, Res any](s *Server, status int, do func(ctx context.Context, a *casedesk.Actor, id int64, req Req) (Res, error)) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		id, err := pathID(r, "id")
		var req Req
		if err == nil {
			err = decode(w, r, &req)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		res, err := do(r.Context(), a, id, req)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, status, res)
	}
}
