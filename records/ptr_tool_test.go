package records

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// TestPTRNameMatchesIPv6calc compares PTR names with ipv6calc's for
// random addresses, fed to one ipv6calc process on stdin.
func TestPTRNameMatchesIPv6calc(t *testing.T) {
	ipv6calc := tooltest.Look(t, "ipv6calc", "ipv6calc")
	n := 1000000 // issue 3: identical to ipv6calc for a million random addresses
	if testing.Short() {
		n = 2000
	}
	r := rand.New(rand.NewPCG(5, 6))
	addrs := make([]netip.Addr, 0, n)
	var in bytes.Buffer
	for len(addrs) < n {
		var b [16]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		if r.IntN(4) == 0 { // long zero runs and the documentation prefix
			copy(b[:], []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0})
		}
		a := netip.AddrFrom16(b)
		if a.Is4In6() {
			continue
		}
		addrs = append(addrs, a)
		in.WriteString(a.String() + "\n")
	}
	cmd := exec.Command(ipv6calc, "-q", "--in", "ipv6addr", "--out", "revnibbles.arpa")
	cmd.Stdin = &in
	out, err := cmd.Output()
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(out))
	buf := make([]byte, 0, PTRNameLen)
	for i := 0; sc.Scan(); i++ {
		require.Less(t, i, len(addrs), "ipv6calc printed more lines than it was given")
		buf = AppendPTRName(buf[:0], addrs[i])
		require.Equal(t, strings.TrimSpace(sc.Text()), string(buf), "address %s", addrs[i])
		if i == len(addrs)-1 {
			return
		}
	}
	t.Fatalf("ipv6calc printed fewer lines than the %d addresses given", len(addrs))
}
