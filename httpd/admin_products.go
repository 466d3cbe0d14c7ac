package httpd

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// adminVersionRow is a version in the product list.
type adminVersionRow struct {
	*casedesk.Version
	PastEndOfLife bool
}

// adminProductRow is a product with its versions.
type adminProductRow struct {
	*casedesk.Product
	Rows []adminVersionRow
}

// adminProductsPage lists the products, with the forms to add one and to add
// a version.
type adminProductsPage struct {
	adminBase
	Products []adminProductRow
}

func (s *Server) adminProductsData(r *http.Request) (*adminProductsPage, error) {
	products, err := s.DB.ListProducts(r.Context())
	if err != nil {
		return nil, err
	}
	page := &adminProductsPage{adminBase: s.adminBase(r, "/admin/products")}
	now := time.Now()
	for _, p := range products {
		full, err := s.DB.Product(r.Context(), p.ID)
		if err != nil {
			return nil, err
		}
		row := adminProductRow{Product: full}
		for _, v := range full.Versions {
			row.Rows = append(row.Rows, adminVersionRow{v, v.PastEndOfLife(now)})
		}
		page.Products = append(page.Products, row)
	}
	return page, nil
}

func (s *Server) handleAdminProducts(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page, err := s.adminProductsData(r)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_products", pageData{User: u, Data: page})
}

// adminProductsAgain shows the products page again with the form that failed.
func (s *Server) adminProductsAgain(w http.ResponseWriter, r *http.Request, u *casedesk.User, form string, err error) {
	m := s.adminFormError(r, form, err)
	if m == nil {
		s.adminFail(w, r, u, err)
		return
	}
	page, perr := s.adminProductsData(r)
	if perr != nil {
		s.adminFail(w, r, u, perr)
		return
	}
	page.again(r, m)
	s.render(w, r, adminStatus(err), "admin_products", pageData{User: u, Data: page})
}

func (s *Server) handleAdminCreateProduct(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	p := &casedesk.Product{Name: r.PostFormValue("name"), Line: r.PostFormValue("line"), Type: r.PostFormValue("type")}
	if err := s.DB.CreateProduct(r.Context(), a, p); err != nil {
		s.adminProductsAgain(w, r, u, "product", err)
		return
	}
	s.adminDone(w, r, "/admin/products#product-"+strconv.FormatInt(p.ID, 10), "admin.products.created", map[string]any{"Name": p.Name})
}

func (s *Server) handleAdminAddVersion(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	v := &casedesk.Version{ProductID: id, Name: r.PostFormValue("name"),
		ReleasedOn: strings.TrimSpace(r.PostFormValue("released_on")), EndOfLife: strings.TrimSpace(r.PostFormValue("end_of_life"))}
	if err := s.DB.AddVersion(r.Context(), a, v); err != nil {
		s.adminProductsAgain(w, r, u, "version-"+strconv.FormatInt(id, 10), err)
		return
	}
	s.adminDone(w, r, "/admin/products#product-"+strconv.FormatInt(id, 10), "admin.products.version_added", map[string]any{"Name": v.Name})
}
