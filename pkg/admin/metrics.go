package admin

import (
	"errors"
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/megaco/megaco/pkg/engine"
	"github.com/megaco/megaco/pkg/h248"
	"github.com/megaco/megaco/pkg/megaco"
	"github.com/megaco/megaco/pkg/mgc"
)

// Metrics are the daemon's Prometheus metrics. It is the stack's
// engine.Observer (megaco.WithObserver) for what connections do, its
// ResyncCounter is the MGC application for resync outcomes, and Watch
// adds the gauges read from the stack and the MGC layer at each scrape.
type Metrics struct {
	Registry *prometheus.Registry

	sent, received [5]prometheus.Counter // by engine.TxKind
	resends        prometheus.Counter
	timeouts       prometheus.Counter
	errors         *prometheus.CounterVec // direction, code
	latency        prometheus.Histogram
	resyncOutcomes *prometheus.CounterVec // outcome
	resyncsDone    atomic.Uint64
}

var _ engine.Observer = (*Metrics)(nil)

// NewMetrics registers the metrics, and Go's and the process's, on a new
// registry.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sent := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "megaco_transactions_sent_total",
		Help: "Transactions sent, by kind (request, reply, pending, ack, segment_reply); resends included."}, []string{"kind"})
	received := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "megaco_transactions_received_total",
		Help: "Transactions received, by kind (request, reply, pending, ack, segment_reply)."}, []string{"kind"})
	m := &Metrics{
		Registry: r,
		resends:  prometheus.NewCounter(prometheus.CounterOpts{Name: "megaco_resends_total", Help: "Requests sent again by the request timer."}),
		timeouts: prometheus.NewCounter(prometheus.CounterOpts{Name: "megaco_timeouts_total", Help: "Requests that ended without a reply."}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "megaco_errors_total",
			Help: "Error descriptors in replies and messages, by direction (sent, received) and H.248 code."}, []string{"direction", "code", "name"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "megaco_transaction_latency_seconds",
			Help:    "Time from a request's first send to its final reply.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}),
		resyncOutcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "megaco_mgc_resync_items_total",
			Help: "Legs, mixers and links at resyncs, by what became of them (kept, offered, dropped, vanished, dead, forced, terminated)."}, []string{"item", "outcome"}),
	}
	for k := engine.TxRequest; k <= engine.TxSegmentReply; k++ {
		m.sent[k] = sent.WithLabelValues(k.String())
		m.received[k] = received.WithLabelValues(k.String())
	}
	r.MustRegister(sent, received, m.resends, m.timeouts, m.errors, m.latency, m.resyncOutcomes)
	return m
}

// Observe counts one event; it runs on a connection's loop.
func (m *Metrics) Observe(e engine.Event) {
	switch e.Kind {
	case engine.EventSent:
		if int(e.Tx) < len(m.sent) {
			m.sent[e.Tx].Inc()
		}
	case engine.EventReceived:
		if int(e.Tx) < len(m.received) {
			m.received[e.Tx].Inc()
		}
	case engine.EventResend:
		m.resends.Inc()
	case engine.EventTimeout:
		m.timeouts.Inc()
	case engine.EventCompleted:
		m.latency.Observe(e.Latency.Seconds())
	case engine.EventErrorSent:
		m.errors.WithLabelValues("sent", strconv.Itoa(int(e.Code)), e.Code.String()).Inc()
	case engine.EventErrorReceived:
		m.errors.WithLabelValues("received", strconv.Itoa(int(e.Code)), e.Code.String()).Inc()
	}
}

// Watch adds the metrics read at each scrape from the stack and, when
// view is not nil, the MGC layer.
func (m *Metrics) Watch(st *megaco.Stack, view MGCView) {
	m.Registry.MustRegister(&stackCollector{st: st})
	if view != nil {
		m.Registry.MustRegister(&mgcCollector{view: view, done: &m.resyncsDone})
	}
}

var (
	descConns       = prometheus.NewDesc("megaco_connections", "Connections of every user.", nil, nil)
	descUsers       = prometheus.NewDesc("megaco_users", "Running users.", nil, nil)
	descMsgs        = prometheus.NewDesc("megaco_messages_received_total", "Messages received by every user.", nil, nil)
	descDecodeErrs  = prometheus.NewDesc("megaco_decode_errors_total", "Messages that could not be decoded.", nil, nil)
	descRefused     = prometheus.NewDesc("megaco_messages_refused_total", "Messages refused: peer not allowed, or refused by the handler.", nil, nil)
	descVersionErrs = prometheus.NewDesc("megaco_version_errors_total", "Messages answered with 406 Version Not Supported.", nil, nil)
	descMGs         = prometheus.NewDesc("megaco_mgc_mgs", "MGs known to the MGC layer, by state.", []string{"state"}, nil)
	descLegs        = prometheus.NewDesc("megaco_mgc_legs", "Call legs, by state.", []string{"state"}, nil)
	descMixers      = prometheus.NewDesc("megaco_mgc_mixers", "Mixers (conference contexts).", nil, nil)
	descResyncs     = prometheus.NewDesc("megaco_mgc_resyncs_total", "MG resyncs, by outcome: started, completed (the MG is ready again); the difference failed or runs.", []string{"outcome"}, nil)
	mgStates        = []mgc.MGState{mgc.MGReady, mgc.MGLost, mgc.MGDead, mgc.MGResyncing}
	legStates       = []mgc.LegState{mgc.LegIdle, mgc.LegRinging, mgc.LegActive, mgc.LegTerminating}
)

// stackCollector reads the stack's system info.
type stackCollector struct{ st *megaco.Stack }

func (c *stackCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descConns, descUsers, descMsgs, descDecodeErrs, descRefused, descVersionErrs} {
		ch <- d
	}
}

func (c *stackCollector) Collect(ch chan<- prometheus.Metric) {
	si := c.st.SystemInfo()
	ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(si.Connections))
	ch <- prometheus.MustNewConstMetric(descUsers, prometheus.GaugeValue, float64(len(si.Users)))
	ch <- prometheus.MustNewConstMetric(descMsgs, prometheus.CounterValue, float64(si.Received))
	ch <- prometheus.MustNewConstMetric(descDecodeErrs, prometheus.CounterValue, float64(si.DecodeErrors))
	ch <- prometheus.MustNewConstMetric(descRefused, prometheus.CounterValue, float64(si.Refused))
	ch <- prometheus.MustNewConstMetric(descVersionErrs, prometheus.CounterValue, float64(si.VersionErrs))
}

// mgcCollector reads the MGC layer's views.
type mgcCollector struct {
	view MGCView
	done *atomic.Uint64
}

func (c *mgcCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMGs, descLegs, descMixers, descResyncs} {
		ch <- d
	}
}

func (c *mgcCollector) Collect(ch chan<- prometheus.Metric) {
	mgs := map[mgc.MGState]int{}
	started := 0
	for _, m := range c.view.MGs() {
		mgs[m.State]++
		started += m.Resyncs
	}
	for _, s := range mgStates {
		ch <- prometheus.MustNewConstMetric(descMGs, prometheus.GaugeValue, float64(mgs[s]), s.String())
	}
	legs := map[mgc.LegState]int{}
	for _, l := range c.view.Legs(h248.MID{}) {
		legs[l.State]++
	}
	for _, s := range legStates {
		ch <- prometheus.MustNewConstMetric(descLegs, prometheus.GaugeValue, float64(legs[s]), s.String())
	}
	ch <- prometheus.MustNewConstMetric(descMixers, prometheus.GaugeValue, float64(len(c.view.Mixers(h248.MID{}))))
	ch <- prometheus.MustNewConstMetric(descResyncs, prometheus.CounterValue, float64(started), "started")
	ch <- prometheus.MustNewConstMetric(descResyncs, prometheus.CounterValue, float64(c.done.Load()), "completed")
}

// ResyncCounter is an mgc.Application that counts what resyncs do; it
// refuses nothing, so every leg the controller offers is adopted.
func (m *Metrics) ResyncCounter() mgc.Application { return resyncCounter{m: m} }

// resyncCounter spells out every callback, so that a change of the
// Application interface breaks the build rather than the counts.
type resyncCounter struct{ m *Metrics }

func (a resyncCounter) item(item, outcome string) {
	a.m.resyncOutcomes.WithLabelValues(item, outcome).Inc()
}

func (a resyncCounter) OnCmcLibReady(h248.MID)        { a.m.resyncsDone.Add(1) }
func (a resyncCounter) OnCmcLibNotReady(h248.MID)     {}
func (a resyncCounter) OnSyncLost(mgc.LegInfo)        {}
func (a resyncCounter) OnMixerSyncLost(mgc.MixerInfo) {}
func (a resyncCounter) OnSyncDone(mgc.LegInfo)        { a.item("leg", "kept") }
func (a resyncCounter) OnMixerSyncDone(mgc.MixerInfo) { a.item("mixer", "kept") }
func (a resyncCounter) OnCallLegSync(mgc.LegInfo)     { a.item("leg", "offered") }
func (a resyncCounter) OnMixerSync(mgc.MixerInfo)     { a.item("mixer", "offered") }
func (a resyncCounter) OnLinkSync(_, _ mgc.LegInfo)   { a.item("link", "offered") }
func (a resyncCounter) OnMixerLinkSync(mgc.LegInfo, mgc.MixerInfo) {
	a.item("mixer_link", "offered")
}
func (a resyncCounter) OnOffHook(mgc.LegInfo)                 {}
func (a resyncCounter) OnOnHook(mgc.LegInfo)                  {}
func (a resyncCounter) OnDigits(mgc.LegInfo, string)          {}
func (a resyncCounter) OnSignalCompleted(mgc.LegInfo, string) {}
func (a resyncCounter) OnCallLegTerminated(_ mgc.LegInfo, cause error) {
	a.item("leg", terminationOutcome(cause))
}
func (a resyncCounter) OnMixerTerminated(_ mgc.MixerInfo, cause error) {
	a.item("mixer", terminationOutcome(cause))
}

// terminationOutcome names why the MGC layer ended a leg or mixer.
func terminationOutcome(cause error) string {
	for _, c := range []struct {
		err  error
		name string
	}{{mgc.ErrDropped, "dropped"}, {mgc.ErrVanished, "vanished"}, {mgc.ErrDead, "dead"}, {mgc.ErrForced, "forced"}} {
		if errors.Is(cause, c.err) {
			return c.name
		}
	}
	return "terminated"
}
