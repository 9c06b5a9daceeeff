package megaco_test

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/megaco/megaco"

// allowedImports is ARCHITECTURE.md's import rule as a table: each
// package may import, of this module's packages, only those listed
// (pkg/h248, the leaf model, is allowed everywhere). A new package must be
// added here, which makes its place in the architecture a decision.
var allowedImports = map[string][]string{
	"pkg/h248":                 {},
	"grammar":                  {},
	"codec":                    {},
	"codec/text":               {"codec", "grammar"},
	"codec/ber":                {"codec"},
	"transport":                {},
	"transport/udp":            {"transport"},
	"transport/tcp":            {"transport"},
	"transport/memnet":         {"transport"},
	"pkg/engine":               {"codec"},
	"pkg/megaco":               {"codec", "codec/text", "codec/ber", "pkg/engine", "transport"},
	"pkg/mgsim":                {"pkg/megaco", "pkg/engine", "transport"},
	"pkg/megaco/megacotest":    {"pkg/megaco", "pkg/engine"},
	"pkg/mgc":                  {"pkg/megaco", "pkg/engine", "pkg/callstore"},
	"pkg/callstore":            {"pkg/replication"},
	"pkg/replication":          {},
	"pkg/replication/natstest": {},
	"configs":                  {},
	"pkg/config":               {"configs", "codec", "codec/text", "codec/ber", "pkg/engine", "pkg/megaco", "pkg/mgc", "transport"},
	"pkg/admin":                {"pkg/config", "pkg/megaco", "pkg/engine", "pkg/mgc"},
	"cmd/megaco":               {"*"},
}

// TestImportDirection checks the import direction of ARCHITECTURE.md with
// go list: lower layers never import higher ones.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		if fields[0] == module {
			continue
		}
		seen[pkg] = true
		allowed, ok := allowedImports[pkg]
		if !ok {
			t.Errorf("package %s is not in the architecture table (arch_test.go)", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			if dep == "pkg/h248" || contains(allowed, "*") || contains(allowed, dep) {
				continue
			}
			t.Errorf("%s imports %s: not allowed by ARCHITECTURE.md (allowed: %v)", pkg, dep, allowed)
		}
	}
	var missing []string
	for pkg := range allowedImports {
		if !seen[pkg] {
			missing = append(missing, pkg)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the table names packages that do not exist: %v", missing)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
