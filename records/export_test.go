package records

import (
	"testing"

	"github.com/ip6plan/ip6plan/plan"
)

// Helpers of the package's own tests, for its external tests, which can
// import records/spf.
var (
	GoldenForTest    = golden
	CheckzoneForTest = checkzone
	ParseZoneForTest = parseZone
)

const SerialForTest = testSerial

func AllocateForTest(t testing.TB, src string) *plan.Allocation { return allocate(t, src) }
