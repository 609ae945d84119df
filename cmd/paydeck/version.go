package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version prints the module version, VCS revision (when the binary was built
// from a checkout) and Go version.
func (m *Main) version(context.Context) error {
	version, revision, modified := "(devel)", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(m.Stdout, "paydeck %s %s %s/%s", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if revision != "" {
		fmt.Fprintf(m.Stdout, " revision %s", revision)
		if modified {
			fmt.Fprint(m.Stdout, " (modified)")
		}
	}
	fmt.Fprintln(m.Stdout)
	return nil
}
