package plan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomLock returns a lock for a random /32 to /56 with random entries
// inside it, put in random order.
func randomLock(r *rand.Rand) *Lock {
	var a16 [16]byte
	a16[0], a16[1], a16[2], a16[3] = 0x20, 0x01, 0x0d, 0xb8
	for i := 4; i < 16; i++ {
		a16[i] = byte(r.Uint32())
	}
	bits := 32 + 4*r.IntN(7)
	prefix := netip.PrefixFrom(netip.AddrFrom16(a16), bits).Masked()
	l := NewLock(prefix)
	for range r.IntN(30) {
		var e Entry
		addr := randomAddrIn(r, prefix)
		path := randomPath(r)
		switch r.IntN(3) {
		case 0:
			e = Entry{KindSubnet, path, netip.PrefixFrom(addr, bits+1+r.IntN(64-bits)).Masked()}
		case 1:
			if r.IntN(4) == 0 {
				path += "/mx" + fmt.Sprint(r.IntN(10)) + ".example.org." // a host named by its FQDN
			}
			e = Entry{KindHost, path, netip.PrefixFrom(addr, 128)}
		default:
			e = Entry{KindLink, path, netip.PrefixFrom(addr, 127).Masked()}
		}
		l.Put(e)
	}
	return l
}

func randomAddrIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	a16 := p.Addr().As16()
	for i := range a16 {
		a16[i] |= byte(r.Uint32())
	}
	b := netip.AddrFrom16(a16)
	// Keep p's bits, take the rest at random.
	pa := u128From(p.Addr())
	return pa.or(u128From(b).and(hostMask(p.Bits()))).addr()
}

func randomPath(r *rand.Rand) string {
	const first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	const rest = first + "-_."
	var parts []string
	for range 1 + r.IntN(3) {
		b := []byte{first[r.IntN(len(first))]}
		for range r.IntN(12) {
			b = append(b, rest[r.IntN(len(rest))])
		}
		parts = append(parts, string(b))
	}
	return strings.Join(parts, "/")
}

func TestLockRoundTrip(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 3))
		l := randomLock(r)
		var b bytes.Buffer
		n, err := l.WriteTo(&b)
		require.NoError(t, err)
		require.Equal(t, int64(b.Len()), n)
		got, err := ParseLock("plan.lock", b.Bytes())
		require.NoError(t, err, "seed %d:\n%s", seed, b.String())
		assert.Equal(t, l.Prefix, got.Prefix)
		assert.Equal(t, l.Entries(), got.Entries(), "seed %d", seed)
		assert.Equal(t, b.String(), string(got.Bytes()), "seed %d: written again, the same bytes", seed)
		assert.Empty(t, Diff(l, got))

		// Git's autocrlf on Windows writes CRLF; the lock still reads.
		crlf, err := ParseLock("plan.lock", bytes.ReplaceAll(b.Bytes(), []byte("\n"), []byte("\r\n")))
		require.NoError(t, err, "seed %d with CRLF", seed)
		assert.Equal(t, l.Entries(), crlf.Entries())
	}
}

func TestLockEntriesSorted(t *testing.T) {
	l := NewLock(MustParsePrefix("2001:db8:d6::/48"))
	in := []Entry{
		{KindHost, "site/lan/www", MustParsePrefix("2001:db8:d6:100::1/128")},
		{KindSubnet, "site/lan", MustParsePrefix("2001:db8:d6:100::/64")},
		{KindSubnet, "site", MustParsePrefix("2001:db8:d6:100::/56")},
		{KindSubnet, "site/big", MustParsePrefix("2001:db8:d6:100::/60")},
		{KindSubnet, "mail", MustParsePrefix("2001:db8:d6:25::/64")},
		{KindLink, "p2p/isp", MustParsePrefix("2001:db8:d6:25::2/127")},
		{KindHost, "mail/mta1", MustParsePrefix("2001:db8:d6:25::25/128")},
		{KindHost, "mail/mta0", MustParsePrefix("2001:db8:d6:25::25/128")},
		{KindSubnet, "first", MustParsePrefix("2001:db8:d6::/64")},
	}
	for _, e := range in {
		l.Put(e)
	}
	want := []string{
		"subnet 2001:db8:d6::/64 first",
		"subnet 2001:db8:d6:25::/64 mail",
		"link 2001:db8:d6:25::2/127 p2p/isp",
		"host 2001:db8:d6:25::25 mail/mta0", // same address: by kind, then path
		"host 2001:db8:d6:25::25 mail/mta1",
		"subnet 2001:db8:d6:100::/56 site", // same address: shorter first
		"subnet 2001:db8:d6:100::/60 site/big",
		"subnet 2001:db8:d6:100::/64 site/lan",
		"host 2001:db8:d6:100::1 site/lan/www",
	}
	var got []string
	for _, e := range l.Entries() {
		got = append(got, e.String())
	}
	assert.Equal(t, want, got)
	assert.Equal(t, len(in), l.Len())

	text := string(l.Bytes())
	assert.True(t, strings.HasSuffix(text, "ip6plan-lock v1\nprefix 2001:db8:d6::/48\n"+strings.Join(want, "\n")+"\n"), text)

	// Sorted for random locks too.
	for seed := range uint64(100) {
		es := randomLock(rand.New(rand.NewPCG(seed, 5))).Entries()
		assert.True(t, slices.IsSortedFunc(es, func(a, b Entry) int {
			if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
				return c
			}
			return a.Prefix.Bits() - b.Prefix.Bits()
		}), "seed %d", seed)
	}
}

func TestLockGetPutRelease(t *testing.T) {
	var nilLock *Lock
	_, ok := nilLock.Get(KindSubnet, "a")
	assert.False(t, ok)
	assert.Zero(t, nilLock.Len())
	assert.Nil(t, nilLock.Entries())
	_, err := nilLock.Release("a")
	assert.EqualError(t, err, `the lock has no entry "a"`)

	l := NewLock(MustParsePrefix("2001:db8:d6::/48"))
	l.Put(Entry{KindSubnet, "a", MustParsePrefix("2001:db8:d6::/64")})
	l.Put(Entry{KindSubnet, "a", MustParsePrefix("2001:db8:d6:1::/64")}) // replaces
	l.Put(Entry{KindHost, "a", MustParsePrefix("2001:db8:d6:1::1/128")}) // another kind, another entry
	l.Put(Entry{KindHost, "a/h", MustParsePrefix("2001:db8:d6:1::2/128")})
	l.Put(Entry{KindSubnet, "ab", MustParsePrefix("2001:db8:d6:2::/64")})
	assert.Equal(t, 4, l.Len())
	e, ok := l.Get(KindSubnet, "a")
	assert.True(t, ok)
	assert.Equal(t, MustParsePrefix("2001:db8:d6:1::/64"), e.Prefix)

	gone, err := l.Release("a")
	require.NoError(t, err)
	assert.Equal(t, []Entry{
		{KindSubnet, "a", MustParsePrefix("2001:db8:d6:1::/64")},
		{KindHost, "a", MustParsePrefix("2001:db8:d6:1::1/128")},
		{KindHost, "a/h", MustParsePrefix("2001:db8:d6:1::2/128")},
	}, gone)
	_, ok = l.Get(KindSubnet, "ab")
	assert.True(t, ok, "a sibling whose name starts alike stays")
	assert.Equal(t, 1, l.Len())
}

// lockHead is what WriteTo writes before the entries, less the comments.
const lockHead = "ip6plan-lock v1\nprefix 2001:db8:d6::/48\n"

func TestParseLockErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "not a lock file",
			in:   "prefix: 2001:db8:d6::/48\n",
			want: `plan.lock:1:1: not an ip6plan lock file: want "ip6plan-lock v1", found "prefix: 2001:db8:d6::/48"`,
		},
		{
			name: "another version",
			in:   "# comment\n\nip6plan-lock v2\n",
			want: `plan.lock:3:1: not an ip6plan lock file: want "ip6plan-lock v1", found "ip6plan-lock v2"`,
		},
		{
			name: "empty",
			in:   "",
			want: `plan.lock:1:1: not an ip6plan lock file: no "ip6plan-lock v1" line`,
		},
		{
			name: "missing prefix",
			in:   "ip6plan-lock v1\nsubnet 2001:db8:d6::/64 a\n",
			want: `plan.lock:1:1: the lock names no prefix; a lock starts with a line such as: prefix 2001:db8:d6::/48`,
		},
		{
			name: "bad prefix",
			in:   "ip6plan-lock v1\nprefix 2001:db8:d6::1/48\n",
			want: `plan.lock:2:1: 2001:db8:d6::1/48 has host bits set; did you mean 2001:db8:d6::/48?`,
		},
		{
			name: "a second prefix",
			in:   lockHead + "prefix 2001:db8:d7::/48\n",
			want: `plan.lock:3:1: a second prefix line; the first is at line 2`,
		},
		{
			name: "bad entry kind",
			in:   lockHead + "net 2001:db8:d6::/64 a\n",
			want: `plan.lock:3:1: unknown entry kind "net"; want subnet, host or link`,
		},
		{
			name: "bad address",
			in:   lockHead + "host 2001:db8:d6::g a/h\n",
			want: `plan.lock:3:1: "2001:db8:d6::g" is not an IPv6 address: each colon-separated field must have at least one digit (at "g")`,
		},
		{
			name: "host written as a prefix",
			in:   lockHead + "host 2001:db8:d6::1/128 a/h\n",
			want: `plan.lock:3:1: "2001:db8:d6::1/128" is a prefix, not an address; leave out the /LENGTH`,
		},
		{
			name: "subnet with host bits",
			in:   lockHead + "subnet 2001:db8:d6:1::1/64 a\n",
			want: `plan.lock:3:1: 2001:db8:d6:1::1/64 has host bits set; did you mean 2001:db8:d6:1::/64?`,
		},
		{
			name: "subnet longer than /64",
			in:   lockHead + "subnet 2001:db8:d6:1::/80 a\n",
			want: `plan.lock:3:1: subnet 2001:db8:d6:1::/80 is longer than /64`,
		},
		{
			name: "link that is not a /127",
			in:   lockHead + "link 2001:db8:d6:1::/126 p2p/isp\n",
			want: `plan.lock:3:1: link 2001:db8:d6:1::/126 is not a /127 (RFC 6164)`,
		},
		{
			name: "entry outside the prefix",
			in:   lockHead + "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d7::1 a/h\n",
			want: `plan.lock:4:1: host a/h at 2001:db8:d7::1/128 is not inside the lock's prefix 2001:db8:d6::/48`,
		},
		{
			name: "entry as large as the prefix",
			in:   lockHead + "subnet 2001:db8:d6::/48 all\n",
			want: `plan.lock:3:1: subnet all at 2001:db8:d6::/48 is not inside the lock's prefix 2001:db8:d6::/48`,
		},
		{
			name: "duplicate entry",
			in:   lockHead + "subnet 2001:db8:d6::/64 a\nsubnet 2001:db8:d6:1::/64 b\nsubnet 2001:db8:d6:2::/64 a\n",
			want: `plan.lock:5:1: subnet a appears twice; the first is at line 3`,
		},
		{
			name: "too few fields",
			in:   lockHead + "subnet 2001:db8:d6::/64\n",
			want: `plan.lock:3:1: want KIND ADDRESS PATH, found 2 fields`,
		},
		{
			name: "a name with a space",
			in:   lockHead + "subnet 2001:db8:d6::/64 a b\n",
			want: `plan.lock:3:1: want KIND ADDRESS PATH, found 4 fields`,
		},
		{
			name: "bad path",
			in:   lockHead + "subnet 2001:db8:d6::/64 a//b\n",
			want: `plan.lock:3:1: name "" must be 1 to 63 characters`,
		},
		{
			name: "bad name in the path",
			in:   lockHead + "host 2001:db8:d6::1 a/h;x\n",
			want: `plan.lock:3:1: name "h;x": character ';' at offset 1 is not allowed; use letters, digits, '-', '_' and '.'`,
		},
		{
			name: "every error at once",
			in:   lockHead + "net x y\nhost 2001:db8:d6::1 a/h\nhost 2001:db8:d6::2 a/h\nlink 2001:db8:d6::/64 l\n",
			want: `plan.lock:3:1: unknown entry kind "net"; want subnet, host or link
plan.lock:5:1: host a/h appears twice; the first is at line 4
plan.lock:6:1: link 2001:db8:d6::/64 is not a /127 (RFC 6164)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLock("plan.lock", []byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, l)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestParseLockComments(t *testing.T) {
	in := "# a comment\n\nip6plan-lock v1\n# another\nprefix 2001:db8:d6::/48\n\nsubnet   2001:db8:d6::/64\ta\n"
	l, err := ParseLock("plan.lock", []byte(in))
	require.NoError(t, err)
	assert.Equal(t, []Entry{{KindSubnet, "a", MustParsePrefix("2001:db8:d6::/64")}}, l.Entries())
}

// TestLockIndexAfterRelease: a lock indexes its entries on first use, and
// Release, which may come first, leaves every other entry findable.
func TestLockIndexAfterRelease(t *testing.T) {
	l, err := ParseLock("plan.lock", []byte(lockMagic+`
prefix 2001:db8:d6::/48
subnet 2001:db8:d6::/64 a
host 2001:db8:d6::1 a/h
subnet 2001:db8:d6:1::/64 b
subnet 2001:db8:d6:2::/64 c
`))
	require.NoError(t, err)
	_, err = l.Release("a")
	require.NoError(t, err)
	l.Put(Entry{KindSubnet, "d", MustParsePrefix("2001:db8:d6:3::/64")})
	l.Put(Entry{KindSubnet, "c", MustParsePrefix("2001:db8:d6:4::/64")}) // replaces
	for path, want := range map[string]string{"b": "2001:db8:d6:1::/64", "c": "2001:db8:d6:4::/64", "d": "2001:db8:d6:3::/64"} {
		e, ok := l.Get(KindSubnet, path)
		assert.True(t, ok, path)
		assert.Equal(t, MustParsePrefix(want), e.Prefix, path)
	}
	_, ok := l.Get(KindHost, "a/h")
	assert.False(t, ok, "released with a")
	assert.Equal(t, 3, l.Len())
}

func TestIsLockText(t *testing.T) {
	p, err := ParseFile("plan.yaml", []byte("prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Allocate(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{string(a.Lock.Bytes()), true},
		{"ip6plan-lock v2\n", true}, // a lock ParseLock refuses is still a lock
		{"\r\n# comment\n  \nip6plan-lock v1\r\n", true},
		{"prefix: 2001:db8::/48\n", false},
		{"# ip6plan-lock v1\nprefix: 2001:db8::/48\n", false},
		{"{\"prefix\": \"2001:db8::/48\"}", false},
		{"", false},
	} {
		if got := IsLockText([]byte(tc.text)); got != tc.want {
			t.Errorf("IsLockText(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
