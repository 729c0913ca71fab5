package web

// auditRoutes declares the pages of this part. Filled in as the part is built.
func (s *Server) auditRoutes() {}
