package httpd

import "net/http"

// consoleRoutes registers the console's pages.
func (s *Server) consoleRoutes(mux *http.ServeMux) {}
