// Package cli parses casedesk's command line and runs its subcommands.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand of the casedesk binary.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

// commands lists every subcommand by the name a user types.
var commands = map[string]command{}

// register adds a subcommand; each file of this package registers its own in init.
func register(name, summary string, run func(ctx context.Context, args []string, out, errOut io.Writer) error) {
	commands[name] = command{summary: summary, run: run}
}

// UsageError reports bad command-line input; it names the flag at fault.
type UsageError struct {
	Flag    string
	Message string
}

func (e *UsageError) Error() string {
	if e.Flag == "" {
		return e.Message
	}
	return fmt.Sprintf("--%s: %s", e.Flag, e.Message)
}

// usageErrorf builds a UsageError for flag name.
func usageErrorf(name, format string, args ...any) error {
	return &UsageError{Flag: name, Message: fmt.Sprintf(format, args...)}
}

// Run executes the subcommand named by args[0] and returns the process exit code:
// 0 on success, 2 for bad usage, 1 for any other failure.
func Run(ctx context.Context, args []string, out, errOut io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(out)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(errOut, "casedesk: unknown command %q\n\n", args[0])
		printUsage(errOut)
		return 2
	}
	err := cmd.run(ctx, args[1:], out, errOut)
	var usage *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(errOut, "casedesk %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(errOut, "casedesk %s: %v\n", args[0], err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "casedesk — a support desk that enforces support contracts")
	fmt.Fprintln(w, "\nUsage: casedesk <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'casedesk <command> -h' for a command's flags.")
}

// newFlagSet returns a FlagSet that reports errors instead of exiting.
func newFlagSet(name string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("casedesk "+name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	return fs
}

// parseFlags parses args, then fills every flag not given on the command line
// from its environment variable: --data-dir reads CASEDESK_DATA_DIR.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{Message: err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var firstErr error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || firstErr != nil {
			return
		}
		env := EnvName(f.Name)
		if v, ok := os.LookupEnv(env); ok {
			if err := f.Value.Set(v); err != nil {
				firstErr = usageErrorf(f.Name, "invalid value %q in %s: %v", v, env, err)
			}
		}
	})
	return firstErr
}

// EnvName is the environment variable that stands for a flag: listen → CASEDESK_LISTEN.
func EnvName(flagName string) string {
	return "CASEDESK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
