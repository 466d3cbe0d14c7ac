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

// withBody is byIDWith for calls about no object in the path, such as
// creating one: the body is decoded strictly into Req and the result written
// with status.
func withBody[Req, Res any](s *Server, status int, do func(ctx context.Context, a *casedesk.Actor, req Req) (Res, error)) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		var req Req
		if err := decode(w, r, &req); err != nil {
			s.fail(w, r, err)
			return
		}
		res, err := do(r.Context(), a, req)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, status, res)
	}
}

// deleteByID adapts a service call that removes the object named by the path
// value "id" into a handler that answers 204 No Content.
func deleteByID(s *Server, do func(ctx context.Context, a *casedesk.Actor, id int64) error) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return deleteByIDs(s, "", func(ctx context.Context, a *casedesk.Actor, id, _ int64) error { return do(ctx, a, id) })
}

// deleteByIDs is deleteByID for an object named by "id" and a second path
// value, such as a grant on a case; with second empty, only "id" is read.
func deleteByIDs(s *Server, second string, do func(ctx context.Context, a *casedesk.Actor, id, other int64) error) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		id, err := pathID(r, "id")
		var other int64
		if err == nil && second != "" {
			other, err = pathID(r, second)
		}
		if err == nil {
			err = do(r.Context(), a, id, other)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// byVersion adapts a read of a catalogue entry (a plan or a calendar) named
// by the path value "id", at the version the query asks for (0 for the
// current one), into a handler that answers with it as JSON.
func byVersion[Res any](s *Server, get func(ctx context.Context, id string, version int) (Res, error)) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		v, err := queryInt(r, "version")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		res, err := get(r.Context(), r.PathValue("id"), int(v))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

// listOf adapts a service call that lists what the caller may see into a
// handler that answers with it as JSON, under key.
func listOf[Res any](s *Server, key string, list func(ctx context.Context, a *casedesk.Actor) (Res, error)) func(http.ResponseWriter, *http.Request, *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		res, err := list(r.Context(), a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{key: res})
	}
}
