// Package plan is the address plan itself: the plan file a user writes
// (ParseFile, with errors at file:line:col, and Draft, which re-reads only
// what an edit changed), the allocation it gives (Allocate), and the lock
// that records what is deployed (Lock, ParseLock, MergeLocks).
//
// The rule the package exists to keep is that nothing moves unless the
// user names it. Allocate places every subnet and host where the lock
// says it is; whatever the plan no longer has stays held in the lock
// until released; a change that would move something (a resize that
// cannot stay in place, a new pin or address) is reported in
// Allocation.Moves for the caller to refuse or accept. RenameInSource and
// MoveInSource edit the plan's text so that a rename keeps addresses.
//
// The IPv6 arithmetic it builds on is in plan/ip6, the form view of a
// plan file in plan/form, and reading and writing files in plan/planfile:
// this package does no I/O beyond the readers and writers it is handed.
package plan
