package demo

import (
	"context"
	"fmt"

	"github.com/casedesk/casedesk"
)

// product is a demo product and its releases.
type product struct {
	name, line string
	versions   []casedesk.Version
}

// products covers three lines; two releases are past their end of life and
// one has its end announced.
var products = []product{
	{"Acme Backup Server", "backup", []casedesk.Version{
		{Name: "3.5", ReleasedOn: "2020-03-02", EndOfLife: "2025-06-30"},
		{Name: "4.0", ReleasedOn: "2023-05-15"}, {Name: "4.1", ReleasedOn: "2025-02-10"}}},
	{"Acme Cloud Vault", "backup", []casedesk.Version{
		{Name: "2.3", ReleasedOn: "2024-01-22"}, {Name: "2.4", ReleasedOn: "2025-09-01"}}},
	{"Acme Service Desk", "itsm", []casedesk.Version{
		{Name: "2024.1", ReleasedOn: "2024-03-11", EndOfLife: "2027-06-30"},
		{Name: "2025.1", ReleasedOn: "2025-03-10"}, {Name: "2026.1", ReleasedOn: "2026-03-09"}}},
	{"Acme Asset Manager", "itsm", []casedesk.Version{
		{Name: "8.0", ReleasedOn: "2024-06-03"}, {Name: "8.1", ReleasedOn: "2025-11-17"}}},
	{"Acme Endpoint Manager", "endpoint", []casedesk.Version{
		{Name: "11.0", ReleasedOn: "2020-10-05", EndOfLife: "2024-12-31"},
		{Name: "12.0", ReleasedOn: "2023-09-18"}, {Name: "12.1", ReleasedOn: "2025-06-23"}}},
	{"Acme Patch Manager", "endpoint", []casedesk.Version{
		{Name: "6.0", ReleasedOn: "2024-04-08"}, {Name: "6.1", ReleasedOn: "2026-01-26"}}},
}

// addProducts creates the products with their versions.
func (w *world) addProducts(ctx context.Context) error {
	for _, p := range products {
		made := &casedesk.Product{Name: p.name, Line: p.line}
		if err := w.db.CreateProduct(ctx, casedesk.SystemActor, made); err != nil {
			return fmt.Errorf("demo product %s: %w", p.name, err)
		}
		for _, v := range p.versions {
			v.ProductID = made.ID
			if err := w.db.AddVersion(ctx, casedesk.SystemActor, &v); err != nil {
				return fmt.Errorf("demo product %s %s: %w", p.name, v.Name, err)
			}
			made.Versions = append(made.Versions, &v)
		}
		w.products = append(w.products, made)
	}
	return nil
}
