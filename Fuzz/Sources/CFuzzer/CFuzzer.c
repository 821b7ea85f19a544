// Declarations only (include/CFuzzer.h); the driver itself is in libFuzzer's runtime.
#include "CFuzzer.h"
