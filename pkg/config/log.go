package config

import (
	"strings"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Levels holds the live log level of each component; Set changes them
// while the logger runs (SIGHUP).
type Levels struct{ t atomic.Pointer[levelTable] }

type levelTable struct {
	def, min zapcore.Level
	by       map[string]zapcore.Level
	cache    sync.Map // logger name → zapcore.Level
}

// Set installs the levels of c.
func (l *Levels) Set(c Log) {
	t := &levelTable{def: c.Level, min: c.Level, by: c.Levels}
	for _, lv := range c.Levels {
		t.min = min(t.min, lv)
	}
	l.t.Store(t)
}

// Level is the level of the logger named name ("megaco.engine"): its
// whole name's, else that of its last segment that has one, else the
// default.
func (l *Levels) Level(name string) zapcore.Level {
	t := l.t.Load()
	if lv, ok := t.cache.Load(name); ok {
		return lv.(zapcore.Level)
	}
	lv, ok := t.by[name]
	if !ok {
		lv = t.def
		segs := strings.Split(name, ".")
		for i := len(segs) - 1; i >= 0; i-- {
			if x, found := t.by[segs[i]]; found {
				lv = x
				break
			}
		}
	}
	t.cache.Store(name, lv)
	return lv
}

// NewLogger builds the daemon's logger on w: JSON or console lines, with
// the level of each component from c, changeable through the returned
// Levels.
func NewLogger(c Log, w zapcore.WriteSyncer) (*zap.Logger, *Levels) {
	ec := zap.NewProductionEncoderConfig()
	ec.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	if c.Format == "console" {
		ec.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	} else {
		enc = zapcore.NewJSONEncoder(ec)
	}
	lv := &Levels{}
	lv.Set(c)
	w = zapcore.Lock(w)
	core := &levelCore{Core: zapcore.NewCore(enc, w, zapcore.DebugLevel), levels: lv}
	return zap.New(core, zap.ErrorOutput(w)), lv
}

// levelCore filters entries by the level of their logger's component.
type levelCore struct {
	zapcore.Core
	levels *Levels
}

func (c *levelCore) Enabled(l zapcore.Level) bool { return l >= c.levels.t.Load().min }

func (c *levelCore) With(fs []zapcore.Field) zapcore.Core {
	return &levelCore{Core: c.Core.With(fs), levels: c.levels}
}

func (c *levelCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if e.Level < c.levels.Level(e.LoggerName) {
		return ce
	}
	return c.Core.Check(e, ce)
}
