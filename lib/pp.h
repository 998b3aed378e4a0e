/* pp.h: the pp library, one line per module.
 *
 * Support for commands (these print; everything else never does):
 *   cli      program name, diagnostics, checked allocation, closing stdout
 *   stream   the filter input loop: operands -> records, bad-line reports
 * Records:
 *   error    struct pp_error, filled instead of printing
 *   exit     exit statuses
 *   input    line reader: files/stdin, gzip by magic, line cap, CRLF
 *   record   line -> record (probe decoded; other types as jansson)
 *   jsonw    record writer: compact, ordered keys, fixed precision
 *   util     ranged numbers, durations, sizes, clocks
 *   compat/getopt  bundled getopt_long (used where the libc has none)
 */
#ifndef PP_PP_H
#define PP_PP_H

#ifndef PP_VERSION
#define PP_VERSION "0.1.0"
#endif

#endif /* PP_PP_H */
