#!/usr/bin/env bash
# Reproduces the README's side-by-side timings: ip6plan against the tools
# users would otherwise pick. Needs hyperfine, ipv6calc and sipcalc
# (apt-get install -y hyperfine ipv6calc sipcalc). Run from the repository
# root: bash testdata/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/ip6plan" ./cmd/ip6plan
ip6plan="$work/ip6plan"

echo "== a million random addresses to PTR names (identical output checked first)"
python3 - "$work/addrs.txt" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    for _ in range(1000000):
        f.write("2001:db8:%x:%x::%x:%x\n" % tuple(random.randrange(65536) for _ in range(4)))
PY
"$ip6plan" ptr < "$work/addrs.txt" > "$work/a.out"
ipv6calc -q --in ipv6addr --out revnibbles.arpa < "$work/addrs.txt" > "$work/b.out"
cmp "$work/a.out" "$work/b.out"
hyperfine -w 2 -r 10 \
  "$ip6plan ptr < $work/addrs.txt > /dev/null" \
  "ipv6calc -q --in ipv6addr --out revnibbles.arpa < $work/addrs.txt > /dev/null"
/usr/bin/time -f "ip6plan ptr: %M KB max RSS" "$ip6plan" ptr < "$work/addrs.txt" > /dev/null

echo "== list the 65,536 /64s of a /48, and the 16,777,216 /56s of a /32"
hyperfine -w 2 -r 10 \
  "$ip6plan subnet 2001:db8::/48 --len 64 --all > /dev/null" \
  "sipcalc -S 64 2001:db8::/48 > /dev/null"
hyperfine -r 3 \
  "$ip6plan subnet 2001:db8::/32 --len 56 --all > /dev/null" \
  "sipcalc -S 56 2001:db8::/32 > /dev/null"

echo "== plan a /48 with 65,536 /64 subnets, then re-plan it against its lock"
python3 -c 'print("prefix: 2001:db8::/48\nsubnets:"); [print(f"  - {{name: lan{i}, size: 64}}") for i in range(65536)]' > "$work/big.yaml"
/usr/bin/time -f "first plan: %e s, %M KB max RSS" "$ip6plan" plan -f "$work/big.yaml" > /dev/null 2>"$work/err" || cat "$work/err"
grep 'max RSS' "$work/err" || true
/usr/bin/time -f "re-plan with lock: %e s, %M KB max RSS" "$ip6plan" plan -f "$work/big.yaml" > /dev/null 2>"$work/err" || cat "$work/err"
grep 'max RSS' "$work/err" || true

echo "== Go benchmarks"
go test ./plan ./plan/ip6 ./records -run '^$' -bench 'Allocate$|AllocateScale|Child$|StableIID|AppendPTRName|WriteReverseZone' -benchmem

echo "== survey: MX and AAAA lookups for 10,220 generated domains, ip6plan vs adnshost"
# Both ask the same BIND resolver (named on 127.0.0.1:53, since adns asks
# port 53 only: run this as root, with bind9 and adns-tools installed),
# whose root is a second named serving the domains. The Go test
# TestSurveyMatchesAdnshost checks first that both give every domain the
# same answer; the benchmark reports domains per second.
go test ./records/live -run 'TestSurveyMatchesAdnshost' -count=1 -v | grep -E '^(--- |ok|FAIL)'
go test ./records/live -run '^$' -bench 'BenchmarkSurvey' -benchtime 3x
