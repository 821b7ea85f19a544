#ifndef HEADROOM_CFUZZER_H
#define HEADROOM_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the runtime that `-sanitize=fuzzer` links): runs the fuzzing loop with a
/// callback. The targets call it from their own entry point, because the package manager names an
/// executable's `main` after its module.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
