// Command casedesk is the casedesk support desk: one binary that serves the
// portal, the console and the API, and runs the operator's commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/casedesk/casedesk/cli"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// gcPercent is the collector's target unless the operator sets GOGC. A desk's
// live heap is a few megabytes and its requests allocate briskly: at Go's
// default of 100 the collector ran eight times a second while the load
// benchmark created cases on PostgreSQL, and at 400 the benchmark created
// 10–30 % more cases a second, for a heap that peaks at five times the live
// one instead of twice. GOMEMLIMIT, when set, still bounds it.
const gcPercent = 400

// tuneGC sets gcPercent, leaving a GOGC the operator gave alone.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}
