package callstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver, pure Go
)

// DBFile is the name of the CDR database in a data directory.
const DBFile = "cdr.db"

// DBPath is where the CDR database of a data directory is.
func DBPath(dataDir string) string { return filepath.Join(dataDir, DBFile) }

// schemaVersion is the database's user_version: a newer one is refused.
const schemaVersion = 1

// The CDR's JSON is the record; the columns beside it are for filtering.
// Times are Unix nanoseconds.
const schema = `
CREATE TABLE IF NOT EXISTS cdr (
	call       TEXT PRIMARY KEY,
	setup      INTEGER NOT NULL,
	release    INTEGER NOT NULL,
	cause      TEXT NOT NULL,
	record     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cdr_setup ON cdr (setup);
CREATE TABLE IF NOT EXISTS cdr_mg (
	mg   TEXT NOT NULL,
	call TEXT NOT NULL REFERENCES cdr (call),
	PRIMARY KEY (mg, call)
) WITHOUT ROWID;
PRAGMA user_version = 1;
`

// DB is a SQLite database of CDRs, the default Sink. Several processes may
// open it at once: the daemon writes while `megaco cdr list` reads (WAL).
type DB struct {
	db *sql.DB
}

// OpenDB opens the CDR database at path, creating it if needed.
func OpenDB(path string) (*DB, error) {
	// Immediate transactions take the write lock up front, so that two
	// writers wait on busy_timeout instead of failing to upgrade.
	db, err := sql.Open("sqlite", path+"?_busy_timeout=10000&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("callstore: open %s: %w", path, err)
	}
	d := &DB{db: db}
	if err := d.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("callstore: open %s: %w", path, err)
	}
	return d, nil
}

func (d *DB) init() error {
	var v int
	if err := d.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("%w: database schema version %d", ErrFormat, v)
	}
	_, err := d.db.Exec(schema)
	return err
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Add stores cdrs in one transaction, skipping those already stored.
func (d *DB) Add(ctx context.Context, cdrs []CDR) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("callstore: add CDRs: %w", err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO cdr (call, setup, release, cause, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT (call) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("callstore: add CDRs: %w", err)
	}
	insMG, err := tx.PrepareContext(ctx, `INSERT INTO cdr_mg (mg, call) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return fmt.Errorf("callstore: add CDRs: %w", err)
	}
	for i := range cdrs {
		c := &cdrs[i]
		rec, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("callstore: add CDR %s: %w", c.Call, err)
		}
		if _, err := ins.ExecContext(ctx, c.Call, c.Setup.UnixNano(), c.Release.UnixNano(), c.Cause, rec); err != nil {
			return fmt.Errorf("callstore: add CDR %s: %w", c.Call, err)
		}
		for _, mg := range c.MGs {
			if _, err := insMG.ExecContext(ctx, mg, c.Call); err != nil {
				return fmt.Errorf("callstore: add CDR %s: %w", c.Call, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("callstore: add CDRs: %w", err)
	}
	return nil
}

// List returns the CDRs f selects, newest setup first.
func (d *DB) List(ctx context.Context, f Filter) ([]CDR, error) {
	var where []string
	var args []any
	if !f.Since.IsZero() {
		where, args = append(where, "setup >= ?"), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "setup < ?"), append(args, f.Until.UnixNano())
	}
	if f.Cause != "" {
		where, args = append(where, "cause = ?"), append(args, f.Cause)
	}
	if f.MG != "" {
		where, args = append(where, "call IN (SELECT call FROM cdr_mg WHERE mg = ?)"), append(args, f.MG)
	}
	q := "SELECT record FROM cdr"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY setup DESC, call"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("callstore: list CDRs: %w", err)
	}
	defer rows.Close()
	out := []CDR{}
	for rows.Next() {
		var rec []byte
		if err := rows.Scan(&rec); err != nil {
			return nil, fmt.Errorf("callstore: list CDRs: %w", err)
		}
		c, err := decodeCDR(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("callstore: list CDRs: %w", err)
	}
	return out, nil
}

// Get returns the CDR of a call, or ErrNoCDR.
func (d *DB) Get(ctx context.Context, call string) (*CDR, error) {
	var rec []byte
	err := d.db.QueryRowContext(ctx, `SELECT record FROM cdr WHERE call = ?`, call).Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNoCDR, call)
	}
	if err != nil {
		return nil, fmt.Errorf("callstore: get CDR %s: %w", call, err)
	}
	return decodeCDR(rec)
}
