package records

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// TestTinydnsDataLoads compiles the generic form with djbdns's own
// tinydns-data and asks tinydns-get for every PTR.
func TestTinydnsDataLoads(t *testing.T) {
	data := tooltest.Look(t, "tinydns-data", "tinydns")
	get := tooltest.Look(t, "tinydns-get", "tinydns")
	_, zs := exampleZones(t)
	hosts := zs.Hosts
	var b bytes.Buffer
	require.NoError(t, zs.WriteTinydns(&b, TinydnsOptions{Generic: true}))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data"), b.Bytes(), 0o644))
	cmd := exec.Command(data)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "tinydns-data: %s\n%s", out, b.String())
	for _, h := range hosts {
		ptr, _ := PTRName(h.Addr)
		cmd := exec.Command(get, "PTR", ptr)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		want := "answer: " + strings.TrimSuffix(ptr, ".") + " 3600 PTR " + strings.TrimSuffix(h.Name, ".")
		assert.Contains(t, string(out), want)
	}
}

// TestTinydnsLines decodes the 6 and generic lines back into addresses.
func TestTinydnsLines(t *testing.T) {
	zs, err := ZonesOf(plantest.Example(t), testSerial, nil, ZoneOptions{})
	require.NoError(t, err)
	hosts := zs.Hosts
	want := map[string]netip.Addr{}
	for _, h := range hosts {
		want[strings.TrimSuffix(h.Name, ".")] = h.Addr
	}
	for _, generic := range []bool{false, true} {
		var b bytes.Buffer
		require.NoError(t, zs.WriteTinydns(&b, TinydnsOptions{Generic: generic}))
		got := map[string]netip.Addr{}
		for _, line := range strings.Split(b.String(), "\n") {
			f := strings.Split(line, ":")
			switch {
			case strings.HasPrefix(line, "6"):
				raw, err := hex.DecodeString(f[1])
				require.NoError(t, err, line)
				got[f[0][1:]] = netip.AddrFrom16([16]byte(raw))
			case strings.HasPrefix(line, ":") && f[2] == "28":
				var raw [16]byte
				octal := strings.Split(f[3], `\`)[1:]
				require.Len(t, octal, 16, line)
				for i, o := range octal {
					raw[i] = (o[0]-'0')<<6 | (o[1]-'0')<<3 | (o[2] - '0')
				}
				got[f[1]] = netip.AddrFrom16(raw)
			}
		}
		assert.Equal(t, want, got, "generic=%v", generic)
	}
}
