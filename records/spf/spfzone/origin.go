package spfzone

import (
	"path/filepath"
	"strings"
)

// OriginOf returns the origin of the zone file at path, for [Add]: the
// zone its name gives, as records.ZoneFileName names the files of
// `ip6plan zone -d` (example.com.zone holds example.com.), or else the
// root, ".".
func OriginOf(path string) string {
	if base := filepath.Base(path); strings.HasSuffix(base, ".zone") {
		return strings.TrimSuffix(base, ".zone") + "."
	}
	return "."
}
