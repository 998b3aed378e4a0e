/* SPDX-License-Identifier: BSD-2-Clause */
/* linescan: the bare line scan the filters are measured against in make
 * bench: the operands read through the record reader (lib/input: read(2)
 * or gzip inflate, lines cut at newlines, blank lines skipped), nothing
 * decoded.  Prints the number of lines and their bytes.
 *
 * usage: linescan [file ...] */
#include <stdio.h>

#include "lib/input.h"

int
main(int argc, char **argv)
{
	struct pp_reader rd;
	struct pp_error err;
	unsigned long long lines = 0, bytes = 0;
	int status = 0;

	if (pp_reader_init(&rd, argv + 1, argc - 1, NULL) == -1) {
		fprintf(stderr, "linescan: out of memory\n");
		return 1;
	}
	for (;;) {
		enum pp_read rc = pp_reader_next(&rd, &err);
		if (rc == PP_READ_EOF)
			break;
		if (rc == PP_READ_OK) {
			lines++;
			bytes += rd.len;
		} else if (rc == PP_READ_IOERR) {
			fprintf(stderr, "linescan: %s\n", err.msg);
			status = 1;
		}
	}
	pp_reader_release(&rd);
	printf("%llu lines, %llu bytes\n", lines, bytes);
	return status;
}
