package httpd

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3.1 description of /api/v1, written by hand;
// openapi_test.go checks it against the routes and real responses.
//
//go:embed openapi.json
var openAPI []byte

// handleOpenAPI serves the API description; no login needed.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	w.Write(openAPI)
}
