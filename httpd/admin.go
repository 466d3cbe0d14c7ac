package httpd

import "net/http"

// adminRoutes registers the admin's pages.
func (s *Server) adminRoutes(mux *http.ServeMux) {}
