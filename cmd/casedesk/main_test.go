package main

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGC_SetsItsTargetUnlessTheOperatorGaveGOGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "150") // read by the runtime at start only: tuneGC must not act on it
	debug.SetGCPercent(150)
	tuneGC()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("with GOGC set, the collector's target is %d, want the operator's 150", got)
	}

	t.Setenv("GOGC", "")
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	tuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("without GOGC, the collector's target is %d, want %d", got, gcPercent)
	}
}
