package httpd

import "net/http"

// portalRoutes registers the portal's pages.
func (s *Server) portalRoutes(mux *http.ServeMux) {}
