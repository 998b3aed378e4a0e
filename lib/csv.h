/* SPDX-License-Identifier: BSD-2-Clause */
/* csv.h: stats and outage records as CSV rows (pp-stats -f csv and
 * --outages FILE), RFC 4180: a header row naming the records' fields
 * (pp-records(5)), then a row per record.
 *
 * Every epoch time is followed by a column of its ISO 8601 time in UTC to
 * the millisecond, without its "Z" (LibreOffice and Excel would take the
 * cell for text: so written, spreadsheets read a date, pandas and DuckDB
 * a timestamp; the column's name says UTC).  Figures are written with 3
 * decimals, quantiles to the digits their sketch guarantees (lib/colq);
 * an undefined figure is an empty cell.  Text from the input (vantage
 * point, target, addresses, unreachable sources) goes through
 * lib/sanitize.h's CSV cell writer: controls shown, quoted when needed, a
 * formula defused. */
#ifndef PP_CSV_H
#define PP_CSV_H

#include <stdio.h>

#include "lib/model.h"

/* The header row of stats rows (pp_csv_stats_row), newline ended. */
#define PP_CSV_STATS_HEADER "start,start_utc,end,end_utc,host,target,ttl," \
	"addr,sent,recv,loss,fwd_loss,last,min,avg,max,stdev,p50,p90,p95," \
	"p99,jitter,jmax,jint,addrs,unreachable,unreachable_from,open," \
	"refused,local_drop,loss_lo,loss_hi,fwd_lo,fwd_hi,fwd_sent," \
	"fwd_lost,fwd_ttl,rate_limited,rate_limit\n"

/* The header row of outage rows (pp_csv_outage_row), newline ended. */
#define PP_CSV_OUTAGE_HEADER "start,start_utc,end,end_utc,host,target,ttl," \
	"duration,sent,recv,loss,ongoing\n"

/* Write r to f as one row, newline ended; host: the "host" column (the
 * vantage point; borrowed).  The responders (addrs) as "ADDR N" pairs
 * separated by spaces, as many as fit in 2 KiB; open and refused empty
 * unless r->tcp; fwd_sent, fwd_lost, fwd_ttl and rate_limit empty when
 * not given.  Errors are left in f's error flag. */
void pp_csv_stats_row(FILE *f, const char *host,
    const struct pp_stats_rec *r);

/* Write o to f as one row, newline ended; host as above.  duration in ms
 * (end - start), loss in % from sent and recv (0 when nothing was sent),
 * ongoing "true" or "false".  Errors are left in f's error flag. */
void pp_csv_outage_row(FILE *f, const char *host,
    const struct pp_outage_rec *o);

#endif /* PP_CSV_H */
