package replication

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"time"
)

// Config configures a Node. The zero value of each field means its
// default; Group, Instance and, without URL, DataDir are required.
type Config struct {
	// URL of an external NATS cluster (comma-separated for several
	// servers). Empty: the node starts an embedded nats-server with
	// JetStream. Either way the rest works the same. (replication.url)
	URL string `yaml:"url" json:"url"`
	// DataDir is where the embedded server keeps its JetStream file store,
	// so state outlives the process. Required without URL.
	DataDir string `yaml:"data_dir" json:"data_dir"`
	// Listen is the embedded server's client address. Default
	// "127.0.0.1:0": loopback, port chosen at run time (see Node.URL).
	Listen string `yaml:"listen" json:"listen"`
	// ServerLog sends the embedded server's notices, warnings and errors
	// to the node's logger. Default off: the server logs nothing.
	ServerLog bool `yaml:"server_log" json:"server_log"`
	// Group names the replicated state and its single active instance:
	// letters, digits, '-' and '_'.
	Group string `yaml:"group" json:"group"`
	// Instance names this process in the group; unique per process.
	Instance string `yaml:"instance" json:"instance"`
	// LeaseTTL is how long the active instance's lease lasts without a
	// renewal; it renews every third of it, and a standby takes over after
	// a lease went this long unrenewed. Default 10s, at least 100ms.
	LeaseTTL time.Duration `yaml:"lease_ttl" json:"lease_ttl"`
	// Replicas of the group's stream and buckets in a NATS cluster.
	// Default 1; 3 with a three-node cluster survives the loss of a node.
	// The lease bucket, shared by all groups, keeps its creator's.
	Replicas int `yaml:"replicas" json:"replicas"`
	// SnapshotEvery is how many stored updates the active instance lets
	// pile up before it writes a snapshot of the state and trims the
	// stream; a snapshot costs one read and one write of the whole state,
	// a late joiner replays at most twice this many updates. Default 100000.
	SnapshotEvery int `yaml:"snapshot_every" json:"snapshot_every"`
}

const (
	defaultLeaseTTL      = 10 * time.Second
	minLeaseTTL          = 100 * time.Millisecond
	defaultSnapshotEvery = 100000
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if !nameRE.MatchString(c.Group) {
		errs = append(errs, fmt.Errorf("group %q: want letters, digits, '-' and '_'", c.Group))
	}
	if c.Instance == "" {
		errs = append(errs, errors.New("instance is required"))
	}
	if c.URL == "" {
		if c.DataDir == "" {
			errs = append(errs, errors.New("data_dir is required for the embedded server (url is empty)"))
		}
		if c.Listen == "" {
			c.Listen = "127.0.0.1:0"
		}
		if _, port, err := net.SplitHostPort(c.Listen); err != nil {
			errs = append(errs, fmt.Errorf("listen: %w", err))
		} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			errs = append(errs, fmt.Errorf("listen: port %q", port))
		}
	}
	switch {
	case c.LeaseTTL == 0:
		c.LeaseTTL = defaultLeaseTTL
	case c.LeaseTTL < minLeaseTTL:
		errs = append(errs, fmt.Errorf("lease_ttl %v: at least %v", c.LeaseTTL, minLeaseTTL))
	}
	switch {
	case c.Replicas == 0:
		c.Replicas = 1
	case c.Replicas < 0 || c.Replicas > 5:
		errs = append(errs, fmt.Errorf("replicas %d: want 1 to 5", c.Replicas))
	}
	switch {
	case c.SnapshotEvery == 0:
		c.SnapshotEvery = defaultSnapshotEvery
	case c.SnapshotEvery < 0:
		errs = append(errs, fmt.Errorf("snapshot_every %d: must be positive", c.SnapshotEvery))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("replication: config: %w", err)
	}
	return c, nil
}
