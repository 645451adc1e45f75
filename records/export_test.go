package records

// Helpers of the package's own tests, for its external tests, which can
// import records/spf.
var (
	GoldenForTest    = golden
	CheckzoneForTest = checkzone
	ParseZoneForTest = parseZone
)

const SerialForTest = testSerial
