/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz.h: what every libFuzzer harness in tests/fuzz/ shares: the entry
 * point's prototype, a scratch file for code that reads paths, and a check
 * that aborts (so libFuzzer keeps the input) when an invariant fails. */
#ifndef PP_FUZZ_H
#define PP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false: libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: ", __FILE__, \
		    __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* Scratch files of this harness process (two at most), removed at exit. */
#define FUZZ_FILES 2
static char fuzz_paths[FUZZ_FILES][64];

static inline void
fuzz_unlink(void)
{
	for (int i = 0; i < FUZZ_FILES; i++)
		if (fuzz_paths[i][0] != '\0')
			(void)unlink(fuzz_paths[i]);
}

/* Make scratch file `slot` hold exactly data[0..size-1] and return its
 * path.  Aborts when the file cannot be written (not an input problem). */
static inline const char *
fuzz_file(const void *data, size_t size, int slot)
{
	static int fd[FUZZ_FILES] = { -1, -1 };
	static bool registered;

	if (fd[slot] == -1) {
		(void)snprintf(fuzz_paths[slot], sizeof(fuzz_paths[slot]),
		    "/tmp/pp-fuzz-%ld-%d-XXXXXX", (long)getpid(), slot);
		fd[slot] = mkstemp(fuzz_paths[slot]);
		FUZZ_CHECK(fd[slot] != -1, "mkstemp");
		if (!registered)
			(void)atexit(fuzz_unlink);
		registered = true;
	}
	FUZZ_CHECK(ftruncate(fd[slot], 0) == 0, "ftruncate");
	FUZZ_CHECK(size == 0 || pwrite(fd[slot], data, size, 0) ==
	    (ssize_t)size, "pwrite");
	return fuzz_paths[slot];
}

#endif /* PP_FUZZ_H */
