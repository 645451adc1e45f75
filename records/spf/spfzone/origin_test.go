package spfzone

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ip6plan/ip6plan/records"
)

func TestOriginOf(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"example.com.zone", "example.com."},
		{"zones/example.com.zone", "example.com."},
		{"/etc/bind/zones/6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone", "6.d.0.0.8.b.d.0.1.0.0.2.ip6.arpa."},
		{"zones.d/db.example.com", "."},
		{"example.com.zone.bak", "."},
		{"data", "."},
	} {
		t.Run(tc.path, func(t *testing.T) {
			assert.Equal(t, tc.want, OriginOf(tc.path))
		})
	}
	// The inverse of the names zone -d gives its files.
	for _, origin := range []string{"example.com.", "mail.example.org.", "d.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa."} {
		assert.Equal(t, origin, OriginOf(filepath.Join("zones", records.ZoneFileName(origin))))
	}
}
