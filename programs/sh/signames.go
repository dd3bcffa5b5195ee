package sh

import (
	"strconv"
	"strings"

	"github.com/gocage/gocage/posix"
)

// dashSignalName is dash's signal_names[sig] (its mksignames table on
// Linux/glibc): the name without SIG, the number itself for the signals
// glibc does not name (16, 32, 33), RTMIN+N / RTMAX-N for the real-time
// ones, "EXIT" for 0.
func dashSignalName(sig int) string {
	const rtmin, rtmax = 34, posix.NSIG - 1
	switch {
	case sig == 0:
		return "EXIT"
	case sig == 16 || sig == 32 || sig == 33:
		return strconv.Itoa(sig)
	case sig == rtmin:
		return "RTMIN"
	case sig == rtmax:
		return "RTMAX"
	case sig > rtmin && sig <= rtmin+15:
		return "RTMIN+" + strconv.Itoa(sig-rtmin)
	case sig > rtmin+15 && sig < rtmax:
		return "RTMAX-" + strconv.Itoa(rtmax-sig)
	}
	return strings.TrimPrefix(posix.SignalName(sig), "SIG")
}

// decodeSignal is dash's decode_signal: a number below NSIG, or a name of
// dashSignalName's table (no SIG prefix) compared without regard to case,
// from minsig on (0 admits EXIT). It returns -1 if neither.
func decodeSignal(str string, minsig int) int {
	if str != "" && strings.Trim(str, "0123456789") == "" {
		n, err := strconv.Atoi(str)
		if err != nil || n >= posix.NSIG {
			return -1
		}
		return n
	}
	for sig := minsig; sig < posix.NSIG; sig++ {
		if strings.EqualFold(str, dashSignalName(sig)) {
			return sig
		}
	}
	return -1
}
