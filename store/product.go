package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/casedesk/casedesk"
)

// CreateProduct adds a product; administrators only.
func (db *DB) CreateProduct(ctx context.Context, actor *casedesk.Actor, p *casedesk.Product) error {
	if !actor.CanManageOrgs() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may add products").WithKey("error.product.add_forbidden", nil)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		p.CreatedAt = db.now()
		err := tx.queryRow(ctx, `INSERT INTO products (name, line, type, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			p.Name, p.Line, p.Type, p.CreatedAt).Scan(&p.ID)
		if isUniqueViolation(err) {
			return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "name", Message: "a product with this name already exists", Key: "error.product.name_taken"}
		}
		if err != nil {
			return fmt.Errorf("create product: %w", err)
		}
		return tx.record(ctx, actor, nil, "product", p.ID, "create", p)
	})
}

// AddVersion adds a release to a product; administrators only.
func (db *DB) AddVersion(ctx context.Context, actor *casedesk.Actor, v *casedesk.Version) error {
	if !actor.CanManageOrgs() {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may add versions").WithKey("error.version.add_forbidden", nil)
	}
	if err := v.Validate(); err != nil {
		return err
	}
	if _, err := db.Product(ctx, v.ProductID); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO product_versions (product_id, name, released_on, end_of_life) VALUES (?, ?, ?, ?) RETURNING id`,
			v.ProductID, v.Name, v.ReleasedOn, v.EndOfLife).Scan(&v.ID)
		if isUniqueViolation(err) {
			return &casedesk.Error{Code: casedesk.ECONFLICT, Field: "name", Message: "the product already has this version", Key: "error.version.name_taken"}
		}
		if err != nil {
			return fmt.Errorf("add version: %w", err)
		}
		return tx.record(ctx, actor, nil, "product", v.ProductID, "add_version", v)
	})
}

// Product returns a product with its versions. Products are public: the
// end-of-life list is for everyone.
func (db *DB) Product(ctx context.Context, id int64) (*casedesk.Product, error) {
	p, err := db.product(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT id, product_id, name, released_on, end_of_life FROM product_versions WHERE product_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("find product %d: %w", id, err)
	}
	defer rows.Close()
	p.Versions = []*casedesk.Version{}
	for rows.Next() {
		var v casedesk.Version
		if err := rows.Scan(&v.ID, &v.ProductID, &v.Name, &v.ReleasedOn, &v.EndOfLife); err != nil {
			return nil, fmt.Errorf("find product %d: %w", id, err)
		}
		p.Versions = append(p.Versions, &v)
	}
	return p, rows.Err()
}

// product finds a product without its versions. A product's row is never
// changed once written, so it is read once per process (products): every new
// case asks for its product.
func (db *DB) product(ctx context.Context, id int64) (*casedesk.Product, error) {
	if p, ok := db.products.Load(id); ok {
		cp := *p.(*casedesk.Product)
		return &cp, nil
	}
	var p casedesk.Product
	err := db.queryRow(ctx, `SELECT id, name, line, type, created_at FROM products WHERE id = ?`, id).
		Scan(&p.ID, &p.Name, &p.Line, &p.Type, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "product %d not found", id).WithKey("error.product.not_found", map[string]any{"ID": id})
	}
	if err != nil {
		return nil, fmt.Errorf("find product %d: %w", id, err)
	}
	cp := p
	db.products.Store(id, &cp)
	return &p, nil
}

// ListProducts returns every product, by name, without versions.
func (db *DB) ListProducts(ctx context.Context) ([]*casedesk.Product, error) {
	rows, err := db.query(ctx, `SELECT id, name, line, type, created_at FROM products ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Product{}
	for rows.Next() {
		var p casedesk.Product
		if err := rows.Scan(&p.ID, &p.Name, &p.Line, &p.Type, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("list products: %w", err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

// version returns one version of a product.
func (db *DB) version(ctx context.Context, productID, id int64) (*casedesk.Version, error) {
	var v casedesk.Version
	err := db.queryRow(ctx, `SELECT id, product_id, name, released_on, end_of_life FROM product_versions WHERE id = ? AND product_id = ?`, id, productID).
		Scan(&v.ID, &v.ProductID, &v.Name, &v.ReleasedOn, &v.EndOfLife)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.FieldErrorf("version_id", "version %d is not a version of product %d", id, productID).WithKey("error.version.not_of_product", map[string]any{"ID": id, "Product": productID})
	}
	if err != nil {
		return nil, fmt.Errorf("find version %d: %w", id, err)
	}
	return &v, nil
}
