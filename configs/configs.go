// Package configs holds the daemon's embedded default configuration,
// megaco.yaml: every setting with its default value, read before any
// configuration file, environment variable or flag.
package configs

import _ "embed"

// Default is the text of megaco.yaml.
//
//go:embed megaco.yaml
var Default []byte

// DefaultName names the embedded file in positions ("configs/megaco.yaml").
const DefaultName = "configs/megaco.yaml"
