package httpd

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
)

// statusOf maps domain error codes to HTTP statuses, in this one place.
var statusOf = map[string]int{
	casedesk.EINVALID:      http.StatusBadRequest,
	casedesk.ENOTFOUND:     http.StatusNotFound,
	casedesk.ECONFLICT:     http.StatusConflict,
	casedesk.EUNAUTHORIZED: http.StatusUnauthorized,
	casedesk.EFORBIDDEN:    http.StatusForbidden,
	casedesk.ERATELIMIT:    http.StatusTooManyRequests,
	casedesk.EINTERNAL:     http.StatusInternalServerError,
	casedesk.EUNAVAILABLE:  http.StatusServiceUnavailable,
	casedesk.EPRECONDITION: http.StatusPreconditionFailed,
	casedesk.ELIMIT:        http.StatusUnprocessableEntity,
}

// errorBody is the one shape of every API error.
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field,omitempty"`
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// fail answers a request with err: its code's status and a message the caller
// can act on, in the caller's language when the error has a catalog key.
// Internal errors are logged with the request ID and shown as a generic
// message, never with their details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := casedesk.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == casedesk.EINTERNAL {
		s.Logger.ErrorContext(r.Context(), "request failed", "request_id", requestID(r.Context()), "err", err)
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = s.errorMessage(r, err)
	body.Error.Field = casedesk.ErrorField(err)
	body.Error.RequestID = requestID(r.Context())
	writeJSON(w, status, body)
}

// writeJSON writes v as the response body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// maxBodyBytes bounds every JSON request body.
const maxBodyBytes = 1 << 20

// decode reads a JSON body into v strictly: unknown fields, wrong types,
// trailing data and oversized bodies are errors that name what is wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return casedesk.Errorf(casedesk.EINVALID, "send the body as application/json").WithKey("error.request.content_type", nil)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var (
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
	)
	switch {
	case err == nil:
		if dec.More() {
			return casedesk.Errorf(casedesk.EINVALID, "the body must hold a single JSON object").WithKey("error.request.single_object", nil)
		}
		return nil
	case errors.Is(err, io.EOF):
		return casedesk.Errorf(casedesk.EINVALID, "the request body is empty; send a JSON object").WithKey("error.request.empty", nil)
	case errors.As(err, &syntax):
		return casedesk.Errorf(casedesk.EINVALID, "the body is not valid JSON (at byte %d)", syntax.Offset).WithKey("error.request.syntax", map[string]any{"Offset": syntax.Offset})
	case errors.As(err, &typ):
		return casedesk.FieldErrorf(typ.Field, "must be a %s", typ.Type).WithKey("error.request.type", map[string]any{"Type": typ.Type.String()})
	case errors.As(err, &tooLarge):
		return casedesk.Errorf(casedesk.EINVALID, "the body is larger than %d bytes", maxBodyBytes).WithKey("error.request.too_large", map[string]any{"Max": maxBodyBytes})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return casedesk.FieldErrorf(field, "unknown field").WithKey("error.request.unknown_field", nil)
	}
	return casedesk.Errorf(casedesk.EINVALID, "cannot read the body: %v", err).WithKey("error.request.unreadable", map[string]any{"Err": err.Error()})
}

// notFound answers for routes that do not exist.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, casedesk.Errorf(casedesk.ENOTFOUND, "no such endpoint: %s %s", r.Method, r.URL.Path).WithKey("error.request.no_endpoint", map[string]any{"Method": r.Method, "Path": r.URL.Path}))
}

// pathID reads a numeric path value, naming it in the error.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, casedesk.FieldErrorf(name, "must be a positive number").WithKey("error.number.positive", nil)
	}
	return id, nil
}
