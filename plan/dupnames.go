package plan

// eachDuplicate calls dup(i, first) for every name(i), i < n, that an
// earlier index first already gave; empty names are skipped. It is the
// check that siblings' names are unique, which runs on every re-plan of
// a plan with 65,536 subnets under one parent: an open-addressed table of
// indexes hashed with FNV-1a takes half the time of a map[string]int
// there, a third under WebAssembly, and allocates once
// (BenchmarkEachDuplicate).
func eachDuplicate(n int, name func(i int) string, dup func(i, first int)) {
	if n < 2 {
		return
	}
	size := 4
	for size < 2*n {
		size <<= 1
	}
	table := make([]int32, size) // index+1 of the first holder; 0 is empty
	mask := uint64(size - 1)
	for i := range n {
		s := name(i)
		if s == "" {
			continue
		}
		h := uint64(14695981039346656037) // FNV-1a, 64-bit
		for j := 0; j < len(s); j++ {
			h ^= uint64(s[j])
			h *= 1099511628211
		}
		h ^= h >> 32 // the low bits index the table
		for k := h & mask; ; k = (k + 1) & mask {
			at := table[k]
			if at == 0 {
				table[k] = int32(i + 1)
				break
			}
			if name(int(at-1)) == s {
				dup(i, int(at-1))
				break
			}
		}
	}
}
