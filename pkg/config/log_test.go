package config

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
)

// Each component logs at its own level, the most specific name winning,
// and Set changes the levels of a running logger.
func TestLoggerLevels(t *testing.T) {
	var buf bytes.Buffer
	log, levels := NewLogger(Log{Format: "json", Level: zapcore.InfoLevel, Levels: map[string]zapcore.Level{
		"engine": zapcore.DebugLevel, "transport": zapcore.WarnLevel, "transport.udp": zapcore.ErrorLevel,
	}}, zapcore.AddSync(&buf))
	stack := log.Named("megaco")
	engine := stack.Named("engine").With()
	stack.Debug("stack debug")
	stack.Info("stack info")
	engine.Debug("engine debug")
	log.Named("transport.udp").Warn("udp warn")
	log.Named("transport.udp").Error("udp error")
	log.Named("transport.tcp").Info("tcp info")
	log.Named("transport.tcp").Warn("tcp warn")
	levels.Set(Log{Level: zapcore.WarnLevel})
	engine.Debug("engine debug after")
	stack.Info("stack info after")
	stack.Warn("stack warn after")
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var e struct {
			Msg    string `json:"msg"`
			Logger string `json:"logger"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got = append(got, e.Logger+": "+e.Msg)
	}
	want := []string{"megaco: stack info", "megaco.engine: engine debug", "transport.udp: udp error", "transport.tcp: tcp warn", "megaco: stack warn after"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoggerConsole(t *testing.T) {
	var buf bytes.Buffer
	log, _ := NewLogger(Log{Format: "console", Level: zapcore.InfoLevel}, zapcore.AddSync(&buf))
	log.Named("mgc").Info("MG ready")
	if line := buf.String(); !strings.Contains(line, "\tINFO\tmgc\tMG ready\n") {
		t.Errorf("console line %q", line)
	}
}
