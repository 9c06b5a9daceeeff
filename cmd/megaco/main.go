// Command megaco is the megaco stack's one binary: the MGC daemon, the
// demo, the MG simulator, the transcoder, the benchmarks and the admin
// client.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "megaco",
		Short:         "An H.248/Megaco stack: MGC daemon, demo, MG simulator, transcoder, benchmarks and admin commands",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newTranscodeCmd(), newBenchCmd(), newMGSimCmd(), newDemoCmd())
	root.AddCommand(newServeCmd(), newConfigCmd(), newUserCmd(), newConnCmd(), newSystemCmd(), newVersionCmd(), newCDRCmd())
	root.AddCommand(newMGCCmds()...)
	return root
}

// run executes the command line and returns the process exit code: 0 on
// success, 1 when the work failed, 2 on a usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "megaco: %v\n", err)
		return 2
	}
}

// defaultGOGC is the collector's target unless GOGC says otherwise: the
// stack's live heap is small and every transaction allocates, so at Go's
// 100 collections take a fifth of the load benchmark's CPU.
const defaultGOGC = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
