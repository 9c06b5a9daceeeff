package config

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"

	"github.com/megaco/megaco/configs"
)

// Source says which layer a value came from.
type Source string

// The layers, lowest first.
const (
	SourceDefault Source = "default"
	SourceFile    Source = "file"
	SourceEnv     Source = "env"
	SourceFlag    Source = "flag"
)

// Origin is where a value came from: its layer and, where known, its
// position ("FILE:LINE:COL", "env NAME", "flag --name").
type Origin struct {
	Source Source `json:"source"`
	Pos    string `json:"pos,omitempty"`
}

// setting is a top-level setting that an environment variable and a flag
// may set; per-user keys live in files only.
type setting struct{ key, env, flag, usage string }

var settings = []setting{
	{"data_dir", "MEGACO_DATA_DIR", "data-dir", "directory of the daemon's state"},
	{"listen_host", "MEGACO_LISTEN_HOST", "listen-host", "address the users listen on when their host is empty"},
	{"shutdown_timeout", "MEGACO_SHUTDOWN_TIMEOUT", "shutdown-timeout", "how long SIGINT/SIGTERM waits for outstanding transactions"},
	{"log.format", "MEGACO_LOG_FORMAT", "log-format", "log format: json or console"},
	{"log.level", "MEGACO_LOG_LEVEL", "log-level", "log level: debug, info, warn or error"},
	{"admin.listen", "MEGACO_ADMIN_LISTEN", "admin-listen", "address of the admin API and /metrics"},
	{"admin.token", "MEGACO_ADMIN_TOKEN", "token", "bearer token of the admin API (required away from loopback)"},
	{"replication.url", "MEGACO_REPLICATION_URL", "replication-url", "NATS URL of the state replicator"},
	{"replication.group", "MEGACO_REPLICATION_GROUP", "replication-group", "replication group"},
}

// FlagConfig is the flag naming the configuration file.
const FlagConfig = "config"

// BindFlags adds --config and a flag for each top-level setting to fs.
// Their values are written as in the file and checked by Load.
func BindFlags(fs *pflag.FlagSet) {
	fs.String(FlagConfig, "", "configuration file (YAML), read over the embedded default")
	for _, s := range settings {
		fs.String(s.flag, "", s.usage+" ("+s.env+")")
	}
}

// EnvNames lists the environment variables Load reads, in order.
func EnvNames() []string {
	out := make([]string, len(settings))
	for i, s := range settings {
		out[i] = s.env
	}
	return out
}

// Loaded is a configuration with the origin of each of its values.
type Loaded struct {
	Config
	// File is the configuration file read, if any.
	File string

	defKeys, fileKeys map[string]string // key → position
	fileLists         map[string]bool
	over              map[string]Origin // set by env or flag
}

// Load reads the configuration: the embedded default, the file named by
// the --config flag of fs (if any), the MEGACO_* variables of the
// top-level settings, then the flags of fs that were set (fs may be nil).
// Every layer is checked before anything merges: an unknown key, a wrong
// type or an impossible value makes an *Error naming the key and its
// position.
func Load(fs *pflag.FlagSet) (*Loaded, error) {
	l := &Loaded{over: map[string]Origin{}}
	if fs != nil {
		if f := fs.Lookup(FlagConfig); f != nil {
			l.File = f.Value.String()
		}
	}
	def := newDecoder(configs.DefaultName)
	def.document(configs.Default, new(Config))
	probs := def.probs
	l.defKeys = def.keys
	var data []byte
	if l.File != "" {
		var err error
		if data, err = os.ReadFile(l.File); err != nil {
			return nil, &Error{Problems: []Problem{{Pos: l.File, Key: "(file)", Msg: err.Error()}}}
		}
		file := newDecoder(l.File)
		file.document(data, new(Config))
		probs = append(probs, file.probs...)
		l.fileKeys, l.fileLists = file.keys, file.lists
	}
	if len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}

	// viper layers the checked documents, the environment and the flags;
	// "::" keeps dotted names (log.levels.transport.udp) whole.
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(configs.Default)); err != nil {
		return nil, err
	}
	if data != nil {
		if err := v.MergeConfig(bytes.NewReader(data)); err != nil {
			return nil, &Error{Problems: []Problem{{Pos: l.File, Key: "(file)", Msg: err.Error()}}}
		}
	}
	for _, s := range settings {
		key := strings.ReplaceAll(s.key, ".", "::")
		if err := v.BindEnv(key, s.env); err != nil {
			return nil, err
		}
		if os.Getenv(s.env) != "" {
			l.over[s.key] = Origin{Source: SourceEnv, Pos: "env " + s.env}
		}
		if fs == nil {
			continue
		}
		if f := fs.Lookup(s.flag); f != nil && f.Changed {
			if err := v.BindPFlag(key, f); err != nil {
				return nil, err
			}
			l.over[s.key] = Origin{Source: SourceFlag, Pos: "flag --" + s.flag}
		}
	}
	var merged yaml.Node
	if err := merged.Encode(v.AllSettings()); err != nil {
		return nil, err
	}
	d := newDecoder("")
	d.value(&merged, reflect.ValueOf(&l.Config).Elem(), "")
	probs = append(d.probs, l.Config.validate()...)
	for i := range probs {
		probs[i].Pos = l.position(probs[i].Key)
	}
	if len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return l, nil
}

// Origin says where the value of key came from.
func (l *Loaded) Origin(key string) Origin {
	if o, ok := l.over[key]; ok {
		return o
	}
	if p, ok := l.fileKeys[key]; ok {
		return Origin{Source: SourceFile, Pos: p}
	}
	for i := range key {
		if key[i] == '[' && l.fileLists[key[:i]] {
			return Origin{Source: SourceDefault} // the file's list replaced the default one
		}
	}
	if p, ok := l.defKeys[key]; ok {
		return Origin{Source: SourceDefault, Pos: p}
	}
	return Origin{Source: SourceDefault}
}

// position is the position of key or, for a key left to its built-in
// default, of the nearest enclosing key that has one.
func (l *Loaded) position(key string) string {
	for k := key; k != ""; k = parent(k) {
		if p := l.Origin(k).Pos; p != "" {
			return p
		}
	}
	return ""
}

// parent is the enclosing key: users[0].port → users[0] → users.
func parent(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}

// Setting is one effective value with its origin, as config show prints
// it.
type Setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Origin Origin `json:"origin"`
}

// Settings lists every effective value in the order of the tree, the
// admin token masked.
func (l *Loaded) Settings() []Setting {
	var out []Setting
	for _, kv := range Values(&l.Config) {
		if last(kv.Key) == "token" && kv.Value != "" {
			kv.Value = "(set)"
		}
		out = append(out, Setting{Key: kv.Key, Value: kv.Value, Origin: l.Origin(kv.Key)})
	}
	return out
}

// String describes an origin: "file megaco.yaml:3:5", "env MEGACO_X".
func (o Origin) String() string {
	switch {
	case o.Pos == "":
		return string(o.Source)
	case o.Source == SourceEnv || o.Source == SourceFlag:
		return o.Pos
	}
	return fmt.Sprintf("%s %s", o.Source, o.Pos)
}
