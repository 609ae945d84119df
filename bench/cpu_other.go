//go:build !unix

package bench

// toolCPU returns 0: this system's process times are not read.
func toolCPU() float64 { return 0 }
