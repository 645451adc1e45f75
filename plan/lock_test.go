package plan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomLock returns a lock for a random /32 to /56 with random entries
// inside it, put in random order: subnets inside subnets, hosts and links
// inside /64s, and space left behind, all without overlaps, as Allocate
// makes them.
func randomLock(r *rand.Rand) *Lock {
	var a16 [16]byte
	a16[0], a16[1], a16[2], a16[3] = 0x20, 0x01, 0x0d, 0xb8
	for i := 4; i < 16; i++ {
		a16[i] = byte(r.Uint32())
	}
	bits := 32 + 4*r.IntN(7)
	prefix := netip.PrefixFrom(netip.AddrFrom16(a16), bits).Masked()
	l := NewLock(prefix)
	var es []Entry
	var fill func(block netip.Prefix, path string, depth int)
	fill = func(block netip.Prefix, path string, depth int) {
		finest := 64
		if block.Bits() == 64 {
			finest = 128
		}
		a, _ := ip6.NewAllocator(block, finest, ip6.Dense)
		for i := range r.IntN(5) {
			var e Entry
			name := join(path, fmt.Sprintf("%s%d", randomPath(r)[:1], i))
			if block.Bits() < 64 {
				size := block.Bits() + 1 + r.IntN(64-block.Bits())
				p, err := a.Next(size)
				if err != nil {
					continue
				}
				e = Entry{KindSubnet, name, p}
				if r.IntN(6) == 0 {
					e.Kind, e.Path = KindVacated, join(path, "gone")
				} else if depth < 3 {
					defer fill(p, name, depth+1)
				}
			} else {
				switch r.IntN(4) {
				case 0:
					p, err := a.Next(127)
					if err != nil {
						continue
					}
					e = Entry{KindLink, name, p}
				case 1:
					p := netip.PrefixFrom(randomAddrIn(r, block), 128)
					if a.Take(p) != nil {
						continue
					}
					e = Entry{KindVacated, name, p}
				default:
					p := netip.PrefixFrom(randomAddrIn(r, block), 128)
					if a.Take(p) != nil {
						continue
					}
					if r.IntN(4) == 0 {
						name += ".example.org." // a host named by its FQDN
					}
					e = Entry{KindHost, name, p}
				}
			}
			es = append(es, e)
		}
	}
	fill(prefix, "", 0)
	r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
	for _, e := range es {
		l.Put(e)
	}
	return l
}

func randomAddrIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	// Keep p's bits, take the rest at random.
	a16 := p.Masked().Addr().As16()
	for i := range a16 {
		keep := 0
		if bits := p.Bits() - 8*i; bits >= 8 {
			keep = 8
		} else if bits > 0 {
			keep = bits
		}
		a16[i] |= byte(r.Uint32()) & (0xff >> keep)
	}
	return netip.AddrFrom16(a16)
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
	l := NewLock(ip6.MustParsePrefix("2001:db8:d6::/48"))
	in := []Entry{
		{KindHost, "site/lan/www", ip6.MustParsePrefix("2001:db8:d6:100::1/128")},
		{KindSubnet, "site/lan", ip6.MustParsePrefix("2001:db8:d6:100::/64")},
		{KindSubnet, "site", ip6.MustParsePrefix("2001:db8:d6:100::/56")},
		{KindSubnet, "site/big", ip6.MustParsePrefix("2001:db8:d6:100::/60")},
		{KindSubnet, "mail", ip6.MustParsePrefix("2001:db8:d6:25::/64")},
		{KindLink, "p2p/isp", ip6.MustParsePrefix("2001:db8:d6:25::2/127")},
		{KindHost, "mail/mta1", ip6.MustParsePrefix("2001:db8:d6:25::25/128")},
		{KindHost, "mail/mta0", ip6.MustParsePrefix("2001:db8:d6:25::25/128")},
		{KindSubnet, "first", ip6.MustParsePrefix("2001:db8:d6::/64")},
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
	assert.Contains(t, text, "ip6plan-lock v2\nprefix 2001:db8:d6::/48\n"+strings.Join(want, "\n")+"\nend 9 ", text)

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

	l := NewLock(ip6.MustParsePrefix("2001:db8:d6::/48"))
	l.Put(Entry{KindSubnet, "a", ip6.MustParsePrefix("2001:db8:d6::/64")})
	l.Put(Entry{KindSubnet, "a", ip6.MustParsePrefix("2001:db8:d6:1::/64")}) // replaces
	l.Put(Entry{KindHost, "a", ip6.MustParsePrefix("2001:db8:d6:1::1/128")}) // another kind, another entry
	l.Put(Entry{KindHost, "a/h", ip6.MustParsePrefix("2001:db8:d6:1::2/128")})
	l.Put(Entry{KindSubnet, "ab", ip6.MustParsePrefix("2001:db8:d6:2::/64")})
	assert.Equal(t, 4, l.Len())
	e, ok := l.Get(KindSubnet, "a")
	assert.True(t, ok)
	assert.Equal(t, ip6.MustParsePrefix("2001:db8:d6:1::/64"), e.Prefix)

	gone, err := l.Release("a")
	require.NoError(t, err)
	assert.Equal(t, []Entry{
		{KindSubnet, "a", ip6.MustParsePrefix("2001:db8:d6:1::/64")},
		{KindHost, "a", ip6.MustParsePrefix("2001:db8:d6:1::1/128")},
		{KindHost, "a/h", ip6.MustParsePrefix("2001:db8:d6:1::2/128")},
	}, gone)
	_, ok = l.Get(KindSubnet, "ab")
	assert.True(t, ok, "a sibling whose name starts alike stays")
	assert.Equal(t, 1, l.Len())
}

// lockHead is what a version 1 lock has before its entries, less the
// comments. Version 1 has no end line, so a test can write its entries
// by hand; sealed turns such a text into a version 2 lock.
const lockHead = "ip6plan-lock v1\nprefix 2001:db8:d6::/48\n"

// sealed returns a v1 lock text as version 2, with the end line that
// counts and sums its entry lines as they stand.
func sealed(v1 string) string {
	sum := newLockSum()
	var b strings.Builder
	for line := range strings.Lines(v1) {
		text := strings.TrimSuffix(line, "\n")
		switch {
		case text == lockMagicV1:
			text = lockMagic
		case text != "" && text[0] != '#':
			sum.line(text)
			if !strings.HasPrefix(text, "prefix ") {
				sum.n++
			}
		}
		b.WriteString(text + "\n")
	}
	return b.String() + sum.end() + "\n"
}

func TestParseLockErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "not a lock file",
			in:   "prefix: 2001:db8:d6::/48\n",
			want: `plan.lock:1:1: not an ip6plan lock file: want "ip6plan-lock v2", found "prefix: 2001:db8:d6::/48"`,
		},
		{
			name: "another version",
			in:   "# comment\n\nip6plan-lock v3\n",
			want: `plan.lock:3:1: not an ip6plan lock file: want "ip6plan-lock v2", found "ip6plan-lock v3"`,
		},
		{
			name: "empty",
			in:   "",
			want: `plan.lock:1:1: not an ip6plan lock file: no "ip6plan-lock v2" line`,
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
			want: `plan.lock:3:1: unknown entry kind "net"; want subnet, host, link or vacated`,
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
			want: `plan.lock:3:1: unknown entry kind "net"; want subnet, host, link or vacated
plan.lock:5:1: host a/h appears twice; the first is at line 4
plan.lock:6:1: link 2001:db8:d6::/64 is not a /127 (RFC 6164)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLock("plan.lock", []byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, l)
			msg, advice, _ := strings.Cut(err.Error(), "\nplan.lock: the lock is damaged, so ip6plan will not use it")
			assert.Equal(t, tt.want, msg)
			assert.Contains(t, advice, "git checkout -- plan.lock", "says how to recover")
			assert.ErrorIs(t, err, ErrLockDamaged)
		})
	}
}

func TestParseLockComments(t *testing.T) {
	in := "# a comment\n\nip6plan-lock v1\n# another\nprefix 2001:db8:d6::/48\n\nsubnet   2001:db8:d6::/64\ta\n"
	l, err := ParseLock("plan.lock", []byte(in))
	require.NoError(t, err)
	assert.Equal(t, []Entry{{KindSubnet, "a", ip6.MustParsePrefix("2001:db8:d6::/64")}}, l.Entries())
}

// TestLockIndexAfterRelease: a lock indexes its entries on first use, and
// Release, which may come first, leaves every other entry findable.
func TestLockIndexAfterRelease(t *testing.T) {
	l, err := ParseLock("plan.lock", []byte(lockMagicV1+`
prefix 2001:db8:d6::/48
subnet 2001:db8:d6::/64 a
host 2001:db8:d6::1 a/h
subnet 2001:db8:d6:1::/64 b
subnet 2001:db8:d6:2::/64 c
`))
	require.NoError(t, err)
	_, err = l.Release("a")
	require.NoError(t, err)
	l.Put(Entry{KindSubnet, "d", ip6.MustParsePrefix("2001:db8:d6:3::/64")})
	l.Put(Entry{KindSubnet, "c", ip6.MustParsePrefix("2001:db8:d6:4::/64")}) // replaces
	for path, want := range map[string]string{"b": "2001:db8:d6:1::/64", "c": "2001:db8:d6:4::/64", "d": "2001:db8:d6:3::/64"} {
		e, ok := l.Get(KindSubnet, path)
		assert.True(t, ok, path)
		assert.Equal(t, ip6.MustParsePrefix(want), e.Prefix, path)
	}
	_, ok := l.Get(KindHost, "a/h")
	assert.False(t, ok, "released with a")
	assert.Equal(t, 3, l.Len())
}

func TestIsLockText(t *testing.T) {
	a := allocate(t, "prefix: 2001:db8::/48\nsubnets: [{name: a, size: 64}]\n", nil)
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

// TestParseLockRefusesDamage: whatever happens to a lock on its way
// through editors, disks and merges, ParseLock refuses it rather than
// read a smaller lock whose missing entries Allocate would hand out
// again: a cut at any byte, any entry line deleted or doubled, a Git
// conflict, lines added after the end.
func TestParseLockRefusesDamage(t *testing.T) {
	for seed := range uint64(40) {
		l := randomLock(rand.New(rand.NewPCG(seed, 13)))
		data := l.Bytes()
		_, err := ParseLock("plan.lock", data)
		require.NoError(t, err, "seed %d: the lock as written reads", seed)
		for cut := range len(data) - 1 { // the last newline alone carries nothing
			_, err := ParseLock("plan.lock", data[:cut])
			require.Error(t, err, "seed %d: cut at byte %d of %d:\n%s", seed, cut, len(data), data[:cut])
			require.ErrorIs(t, err, ErrLockDamaged)
		}
		lines := strings.SplitAfter(string(data), "\n")
		for i, line := range lines {
			if line == "" || line[0] == '#' {
				continue
			}
			without := strings.Join(slices.Delete(slices.Clone(lines), i, i+1), "")
			_, err := ParseLock("plan.lock", []byte(without))
			require.Error(t, err, "seed %d: line %d deleted", seed, i+1)
			doubled := strings.Join(slices.Insert(slices.Clone(lines), i, line), "")
			_, err = ParseLock("plan.lock", []byte(doubled))
			require.Error(t, err, "seed %d: line %d doubled", seed, i+1)
		}
	}
}

func TestParseLockIntegrityErrors(t *testing.T) {
	good := sealed(lockHead + "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nsubnet 2001:db8:d6:1::/64 b\n")
	_, err := ParseLock("plan.lock", []byte(good))
	require.NoError(t, err)
	tests := []struct {
		name, in, want string
	}{
		{"cut in the middle of the end line", good[:len(good)-4], `plan.lock:6:1: the end line`},
		{"cut in the middle of an entry", good[:strings.Index(good, "a/h")+2], `plan.lock:4:1: the file ends in the middle of a line: it was cut short`},
		{"cut after a whole line", strings.Join(strings.SplitAfter(good, "\n")[:4], ""), `plan.lock:4:1: the lock has no end line: it was cut short after line 4`},
		{"a line deleted", strings.Replace(good, "host 2001:db8:d6::1 a/h\n", "", 1), `plan.lock:5:1: the end line counts 3 entries, but the lock has 2: lines were lost or added since ip6plan wrote it`},
		{"a line changed", strings.Replace(good, "host 2001:db8:d6::1 a/h", "host 2001:db8:d6::2 a/h", 1), `plan.lock:6:1: the lock's checksum does not match its entries`},
		{"a line after the end", good + "subnet 2001:db8:d6:2::/64 c\n", `plan.lock:7:1: an entry after the end line (line 6): lines were added to the lock by hand or by a merge`},
		{"conflict markers", strings.Replace(good, "subnet 2001:db8:d6:1::/64 b\n", "<<<<<<< HEAD\nsubnet 2001:db8:d6:1::/64 b\n=======\nsubnet 2001:db8:d6:1::/64 c\n>>>>>>> theirs\n", 1), `plan.lock:5:1: "<<<<<<< HEAD" is a Git conflict marker: the lock was merged as text, and its entries may overlap`},
		{"two subnets on one space", sealed(lockHead + "subnet 2001:db8:d6::/64 a\nsubnet 2001:db8:d6::/64 b\n"), `plan.lock:4:1: subnet 2001:db8:d6::/64 b overlaps subnet 2001:db8:d6::/64 a (line 3); only an entry inside its own subnet may`},
		{"a subnet inside another's", sealed(lockHead + "subnet 2001:db8:d6::/56 a\nsubnet 2001:db8:d6::/64 b\n"), `plan.lock:4:1: subnet 2001:db8:d6::/64 b overlaps subnet 2001:db8:d6::/56 a (line 3)`},
		{"a host in another's subnet", sealed(lockHead + "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 b/h\n"), `plan.lock:4:1: host 2001:db8:d6::1 b/h overlaps subnet 2001:db8:d6::/64 a (line 3)`},
		{"two hosts on one address", sealed(lockHead + "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nhost 2001:db8:d6::1 a/i\n"), `plan.lock:5:1: host 2001:db8:d6::1 a/i overlaps host 2001:db8:d6::1 a/h (line 4)`},
		{"a subnet on vacated space", sealed(lockHead + "vacated 2001:db8:d6::/56 a\nsubnet 2001:db8:d6::/64 b\n"), `plan.lock:4:1: subnet 2001:db8:d6::/64 b overlaps vacated 2001:db8:d6::/56 a (line 3)`},
		{"outside the prefix", sealed(lockHead + "subnet 2001:db8:d7::/64 a\n"), `plan.lock:3:1: subnet a at 2001:db8:d7::/64 is not inside the lock's prefix 2001:db8:d6::/48`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLock("plan.lock", []byte(tt.in))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got %s", err)
			assert.ErrorIs(t, err, ErrLockDamaged)
		})
	}

	// Held and vacated space may hold what was inside it.
	ok := sealed(lockHead + "vacated 2001:db8:d6::/56 a\nsubnet 2001:db8:d6::/64 a/b\nhost 2001:db8:d6::1 a/b/h\nvacated 2001:db8:d6::2/128 a/b/g\n")
	l, err := ParseLock("plan.lock", []byte(ok))
	require.NoError(t, err)
	assert.Equal(t, 4, l.Len())
	assert.False(t, l.Legacy())
}

// TestParseLockEditorHabits: a lock saved by an editor that starts it
// with a byte order mark or drops its last newline still reads.
func TestParseLockEditorHabits(t *testing.T) {
	good := sealed(lockHead + "subnet 2001:db8:d6::/64 a\n")
	for _, in := range []string{"\ufeff" + good, strings.TrimSuffix(good, "\n"), strings.ReplaceAll(strings.TrimSuffix(good, "\n"), "\n", "\r\n")} {
		l, err := ParseLock("plan.lock", []byte(in))
		require.NoError(t, err, "%q", in)
		assert.Equal(t, 1, l.Len())
	}
}

// TestParseLockV1: locks written before the end line still read, as
// legacy, and are written back as version 2.
func TestParseLockV1(t *testing.T) {
	l, err := ParseLock("plan.lock", []byte(lockHead+"subnet 2001:db8:d6::/64 a\n"))
	require.NoError(t, err)
	assert.True(t, l.Legacy())
	back, err := ParseLock("plan.lock", l.Bytes())
	require.NoError(t, err)
	assert.False(t, back.Legacy())
	assert.Equal(t, l.Entries(), back.Entries())
	_, err = ParseLock("plan.lock", []byte(lockHead+"subnet 2001:db8:d6::/64 a"))
	assert.ErrorContains(t, err, "cut short", "a v1 lock without its last newline was cut too")
}

func TestLockRename(t *testing.T) {
	l, err := ParseLock("plan.lock", []byte(sealed(lockHead+"subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nvacated 2001:db8:d6::2/128 a/g\nsubnet 2001:db8:d6:1::/64 ab\n")))
	require.NoError(t, err)
	require.NoError(t, l.Rename("a", "c"))
	var got []string
	for _, e := range l.Entries() {
		got = append(got, e.String())
	}
	assert.Equal(t, []string{"subnet 2001:db8:d6::/64 c", "host 2001:db8:d6::1 c/h", "vacated 2001:db8:d6::2/128 c/g", "subnet 2001:db8:d6:1::/64 ab"}, got)
	e, ok := l.Get(KindHost, "c/h")
	assert.True(t, ok)
	assert.Equal(t, "2001:db8:d6::1", e.Prefix.Addr().String())
	assert.EqualError(t, l.Rename("c", "ab"), "cannot rename c to ab: the lock already has subnet 2001:db8:d6:1::/64 ab")
	assert.EqualError(t, l.Rename("x", "y"), `the lock has no entry "x"`)

	gone, err := l.releaseVacated("c")
	require.NoError(t, err)
	assert.Len(t, gone, 1)
	_, err = l.releaseVacated("c")
	assert.Error(t, err, "nothing vacated left")
	assert.Equal(t, 3, l.Len())
}
