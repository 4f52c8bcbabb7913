// Package crashtest holds the kill -9 test of D3: the real roster binary
// is killed in the middle of a mixed workload and every change it had
// acknowledged, with its audit entry, must be there after a restart. The
// package has no code of its own; see crash_test.go.
package crashtest
