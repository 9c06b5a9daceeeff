//go:build replication_cluster

// The three-node cluster tests take tens of seconds (JetStream's Raft
// elections), so they run only with: go test -tags replication_cluster

package replication

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/megaco/megaco/pkg/replication/natstest"
)

// startCluster starts a JetStream cluster of size servers on loopback
// ports chosen at run time: the first one is the seed the others route to,
// and they find each other through it. It returns once JetStream has a
// meta leader that knows them all.
func startCluster(t *testing.T, size int) []*server.Server {
	t.Helper()
	opts := func(i int, routes string) *server.Options {
		return &server.Options{
			ServerName: fmt.Sprintf("n%d", i), Host: "127.0.0.1", Port: server.RANDOM_PORT,
			JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
			Cluster: server.ClusterOpts{Name: "megaco-test", Host: "127.0.0.1", Port: server.RANDOM_PORT},
			Routes:  server.RoutesFromStr(routes),
		}
	}
	seed := natstest.Start(t, opts(0, ""))
	routes := "nats://" + seed.ClusterAddr().String()
	servers := []*server.Server{seed}
	for i := 1; i < size; i++ {
		servers = append(servers, natstest.Start(t, opts(i, routes)))
	}
	waitFor(t, "JetStream meta leader with every peer", func() bool {
		for _, s := range servers {
			if s.JetStreamIsLeader() && len(s.JetStreamClusterPeers()) == size {
				return true
			}
		}
		return false
	})
	return servers
}

// waitFor polls cond until it holds; the cluster's state has no events
// to wait on.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s", what)
		}
	}
}

// TestClusterFailover stops the server that leads the state stream: the
// active instance goes on writing once the stream has a new leader, and a
// listener on another server sees every update.
func TestClusterFailover(t *testing.T) {
	servers := startCluster(t, 3)
	var urls []string
	for _, s := range servers {
		urls = append(urls, s.ClientURL())
	}
	cfg := Config{URL: strings.Join(urls, ","), Group: "g", Instance: "a", Replicas: 3, LeaseTTL: 20 * time.Second}
	a := startNode(t, cfg)
	cfg.Instance = "b"
	b := startNode(t, cfg)
	r := follow(t, b)
	campaign(t, a)

	model := map[string]string{}
	writeN := func(from, to int) uint64 {
		var last uint64
		for i := from; i < to; i++ {
			k := fmt.Sprintf("k%d", i%20)
			last = write(t, a, put(k, strconv.Itoa(i)))
			model[k] = strconv.Itoa(i)
		}
		return last
	}
	writeN(0, 100)

	var leader *server.Server
	for _, s := range servers {
		if s.JetStreamIsStreamLeader("$G", "MEGACO_STATE_g") {
			leader = s
		}
	}
	if leader == nil {
		t.Fatal("no stream leader")
	}
	leader.Shutdown()
	leader.WaitForShutdown()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first := fmt.Sprintf("k%d", 100%20)
	if _, err := a.Write(ctx, put(first, "100")); err != nil {
		t.Fatalf("first write after the failover: %v", err)
	}
	model[first] = "100"
	last := writeN(101, 200)
	got := r.waitSeq(t, last)
	r.check(t)
	if !maps.Equal(strs(got.Items), model) {
		t.Error("listener state differs from the writer's after the failover")
	}
	if !a.IsActive() {
		t.Error("the active instance lost its term in the failover")
	}
}
