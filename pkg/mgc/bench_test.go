package mgc_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/pion/transport/v3/stdnet"

	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
	"github.com/megaco/megaco/pkg/mgsim"
	"github.com/megaco/megaco/transport"
	"github.com/megaco/megaco/transport/udp"
)

// BenchmarkResync measures a controller with no memory learning an MG
// holding answered calls over real loopback UDP (scenario 3): the time
// from the MG's registration to OnCmcLibReady, per leg, and the memory the
// model keeps per leg. v2 pages the audit, v3 gets it segmented.
func BenchmarkResync(b *testing.B) {
	for _, legs := range []int{1000, 10000} {
		for _, version := range []int{2, 3} {
			b.Run(fmt.Sprintf("legs=%d/v%d", legs, version), func(b *testing.B) {
				benchResync(b, legs, version)
			})
		}
	}
}

// readyApp signals OnCmcLibReady.
type readyApp struct {
	mgc.BaseApplication
	ready chan struct{}
}

func (a readyApp) OnCmcLibReady(h248.MID) { a.ready <- struct{}{} }

func benchResync(b *testing.B, legs, version int) {
	n, err := stdnet.NewNet()
	if err != nil {
		b.Fatal(err)
	}
	cfg := mgsim.Config{Trunks: -1, RTPPool: legs, MixerPool: -1, Version: version, MaxAuditReplies: 128}
	if version == 3 {
		cfg.MaxAuditReplies = 2 * legs
	}
	g := mgsim.New(cfg)
	answeredCalls(b, g, legs/2)
	st := megaco.NewStack()
	defer st.Close()

	var elapsed time.Duration
	var heap uint64
	for i := range b.N {
		app := readyApp{ready: make(chan struct{}, 1)}
		c := mgc.New(mgc.Config{}, app, nil)
		ucfg := userConfig(c)
		ucfg.ProtocolVersion = 3
		mgcMID := midOf(b, fmt.Sprintf("127.0.0.1:%d", 20000+i%20000))
		u, err := st.StartUser(mgcMID, ucfg)
		if err != nil {
			b.Fatal(err)
		}
		mgcTr, err := udp.Listen(n, "127.0.0.1:0", u)
		if err != nil {
			b.Fatal(err)
		}
		cfg.MGCs = []string{mgcTr.LocalAddr()}
		m := mgsim.NewMG(cfg, g)
		mgTr, err := udp.Listen(n, "127.0.0.1:0", m)
		if err != nil {
			b.Fatal(err)
		}
		mgMID := midOf(b, mgTr.LocalAddr())
		mcfg := userConfig(nil)
		if version == 3 {
			mcfg.SegmentSend = 64
			mcfg.MaxPDUSize = 32 << 10
		}
		link := mgsim.Link{Transport: mgTr, Dial: func(a string) (transport.SendHandle, error) { return mgTr.Resolve(a) }}
		if err := m.Start(st, mgMID, mcfg, link); err != nil {
			b.Fatal(err)
		}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		start := time.Now()
		go func() {
			defer close(done)
			_ = m.Run(ctx)
		}()
		select {
		case <-app.ready:
		case <-time.After(time.Minute):
			b.Fatal("no resync within a minute")
		}
		elapsed += time.Since(start)
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		if got := len(c.Legs(mgMID)); got != legs {
			b.Fatalf("%d legs after resync, want %d", got, legs)
		}
		heap += after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		cancel()
		<-done
		mgTr.Close()
		mgcTr.Close()
		c.Close()
		_ = st.StopUser(mgcMID)
	}
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N*legs), "ns/leg")
	b.ReportMetric(float64(heap)/float64(b.N*legs), "B/leg")
	b.ReportMetric(0, "ns/op")
}
