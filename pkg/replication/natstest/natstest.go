// Package natstest holds test helpers for code on NATS JetStream: a
// server on a loopback port chosen at run time, and a check that no
// goroutine of NATS or of the packages under test outlives the tests.
package natstest

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server starts a JetStream server on 127.0.0.1 with a file store in a
// temporary directory, shut down when the test ends.
func Server(t testing.TB) *server.Server {
	t.Helper()
	return Start(t, &server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
}

// Start starts a server with opts (a cluster node, say), shut down when
// the test ends.
func Start(t testing.TB, opts *server.Options) *server.Server {
	t.Helper()
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	ns.Start()
	if !ns.ReadyForConnections(15 * time.Second) {
		t.Fatal("NATS server not ready")
	}
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	return ns
}

// Main runs the tests and then fails the run if a goroutine of NATS or of
// one of pkgs (package path prefixes such as "megaco/pkg/replication.")
// is still there.
func Main(m *testing.M, pkgs ...string) {
	code := m.Run()
	if code == 0 {
		if leaked := Leaked(pkgs...); leaked != "" {
			fmt.Fprintf(os.Stderr, "leaked goroutines:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// Leaked returns the stacks of the goroutines of NATS or of pkgs that are
// left after up to 5 s: they take a moment to see their connection closed.
func Leaked(pkgs ...string) string {
	var stacks string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		stacks = ""
		for _, g := range strings.Split(string(buf), "\n\n") {
			if ours(g, pkgs) && !strings.Contains(g, "natstest.Leaked") && !natsStatusLeak(g) {
				stacks += g + "\n\n"
			}
		}
		if stacks == "" {
			return ""
		}
	}
	return stacks
}

func ours(g string, pkgs []string) bool {
	if strings.Contains(g, "nats-io/") {
		return true
	}
	for _, p := range pkgs {
		if strings.Contains(g, p) {
			return true
		}
	}
	return false
}

// natsStatusLeak reports nats.go v1.55's own leak: when a JetStream
// context's reply subscription is cleaned up (cleanupReplySub sets
// connStatusCh to nil) before the goroutine newAsyncReply started reads
// that channel, resetPendingAcksOnReconnect waits on a nil channel
// forever. Nothing of ours holds it.
func natsStatusLeak(g string) bool {
	return strings.Contains(g, "[chan receive (nil chan)") && strings.Contains(g, "jetstream.(*jetStream).resetPendingAcksOnReconnect")
}
