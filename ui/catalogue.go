package ui

import (
	"fmt"
	"io/fs"
	"regexp"
)

// usedKey matches a literal message key in a template: {{.T "key"}},
// {{$.T "key" …}}.
var usedKey = regexp.MustCompile(`\.T "([^"]+)"`)

// missingKeys returns the literal message keys that templates/*.html of
// pages (and the shared layout) use but all lacks, and keys whose Korean or
// English text is empty.
func missingKeys(pages fs.FS, all Messages) ([]string, error) {
	var missing []string
	for _, fsys := range []fs.FS{baseFS, pages} {
		names, err := fs.Glob(fsys, "templates/*.html")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			for _, m := range usedKey.FindAllStringSubmatch(string(b), -1) {
				if _, ok := all[m[1]]; !ok {
					missing = append(missing, fmt.Sprintf("%s: %s", name, m[1]))
				}
			}
		}
	}
	for k, v := range all {
		if v[0] == "" || v[1] == "" {
			missing = append(missing, "empty text: "+k)
		}
	}
	return missing, nil
}
