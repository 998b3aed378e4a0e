/* SPDX-License-Identifier: BSD-2-Clause */
/* replay.c: a main() for the fuzz harnesses without libFuzzer, so that
 * `make check` (and `make asan`) runs every harness over its seed corpus
 * and the inputs of past crashes with the ordinary compiler: each file
 * operand is read whole and handed to LLVMFuzzerTestOneInput once.  A
 * failed invariant aborts; a file that cannot be read exits 2.
 * Usage: replay_NAME FILE... */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

int
main(int argc, char **argv)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (f == NULL) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			return 2;
		}
		size_t cap = 4096, len = 0;
		unsigned char *buf = malloc(cap);
		size_t got;
		while (buf != NULL && (got = fread(buf + len, 1, cap - len,
		    f)) > 0) {
			len += got;
			if (len == cap) {
				unsigned char *nb = realloc(buf, cap * 2);
				if (nb == NULL) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = nb;
				cap *= 2;
			}
		}
		int bad = buf == NULL || ferror(f);
		(void)fclose(f);
		if (bad) {
			fprintf(stderr, "replay: %s: cannot read\n", argv[i]);
			free(buf);
			return 2;
		}
		(void)LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	printf("replay: %d inputs, no failure\n", n);
	return 0;
}
