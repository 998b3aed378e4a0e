/* SPDX-License-Identifier: BSD-2-Clause */
/* pp.h: the pp library, one line per module.
 *
 * Support for commands (these print; everything else never does):
 *   cli      program name, diagnostics, checked allocation, closing stdout
 *   stream   the filter input loop: operands -> records, bad-line reports,
 *            the --from/--to selection
 * Files:
 *   atomic   the one file replacer (unpredictable O_EXCL|O_NOFOLLOW
 *            temporary, fsync, rename); safe opening of stream outputs
 * Records:
 *   error    struct pp_error, filled instead of printing
 *   exit     exit statuses
 *   input    line reader: files/stdin, gzip by magic, line cap, CRLF
 *   jscan    fast validating scanner of flat JSON objects (= jansson)
 *   record   line -> record (probe decoded; other types as jansson)
 *   model    the record model: stats, outage, mos, alert and route
 *            records, one reader and one writer each
 *   outcome  what a probe record means: answered at the destination or
 *            at a hop, lost (and why), or lost inside this host
 *   jsonw    record writer: compact, ordered keys, fixed precision
 *   reorder  bounded buffer putting outcomes back in send order
 *   sanitize text leaving the record world: terminal tables and
 *            diagnostics, CSV cells and comment lines, environment values
 *   util     ranged numbers, durations, sizes, clocks
 *   trange   --from/--to: times (ISO 8601, epoch, relative to the input's
 *            start or end, or now), which records a range keeps
 * Statistics:
 *   colq     mergeable log-bucket quantile summary (DDSketch mapping)
 *   stats    one stream's figures: loss, RTT, jitter, responders, runs
 *   keytab   the (target, hop) table agg, judge and plot key by
 *   agg      pp-stats' grouping: keys, windows, forwarding loss, outages
 *   csv      stats and outage records as CSV rows (pp-stats -f csv,
 *            --outages)
 *   export   the text buffer of the two exports: numbers, escaping
 *   export_prom Prometheus text format: series noted, written at the
 *            end (pp-stats -f prom)
 *   export_influx InfluxDB line protocol, a line a record (pp-stats -f
 *            influx, --influx-url through tsdb)
 *   statsout where a pp-stats row goes: NDJSON, CSV (and the outages'
 *            CSV), the table, Prometheus, InfluxDB; its meta record
 *   http     one HTTP/1.1 POST to an http:// URL, with a deadline
 *   tsdb     line protocol to a database through a bounded spool
 *            directory: atomic batch files, sent in order, retried
 *   emodel   ITU-T G.107 / G.107.1 E-model, simplified model, codecs
 *   voice    pp-mos's paths from stats records (deepest hop), its table
 * Terminal output:
 *   table    the hop table (pp-stats -f table, pp-trace's screen and -r):
 *            80 columns or wide, names, AS numbers, colour
 *   names    what records say about an address (pp-geo's names, ASNs)
 *   screen   a prober's live view (mtr's hop table redrawn in place,
 *            keys, names by reverse DNS, AS numbers, its title) and -r's
 *            report
 *   hophist  each hop's last answers as mtr's display modes show them
 *   pingline probe records as ping's lines (pp-probe on a terminal)
 *   runsum   a prober's run summary: duration, outages, the longest
 *   summary  the probers' end-of-run text on stderr, in one write: each
 *            target's figures (ping's or pp's; pp-trace's tallied round
 *            by round here), the targets that failed
 * Alerts and enrichment:
 *   alert    windows, hysteresis levels, route tracking
 *   judge    pp-alert's judgement: paths, targets, rounds, routes, the
 *            end of input, through a sink
 *   notify   pp-alert's lines for people and --exec's variables
 *   spawn    a program per event: no shell, timeout, bounded concurrency
 *   intern   string table (targets, responders)
 *   geo      address classes, MaxMind DB and range lookups, cache
 *   rdns     asynchronous cached reverse DNS (c-ares)
 *   enrich   pp-geo's change to a record, the queue waiting for names
 * Probing (Linux):
 *   pkt      probe packets built and parsed: ICMP/ICMPv6, UDP, TCP, the
 *            quoted packet of an ICMP error, MPLS extensions
 *   net_linux  the platform: sockets opened (raw, or datagram ICMP),
 *            privileges dropped, socket options, the receive paths
 *            (kernel stamps, TTLs, the error queue)
 *   evloop   the engine's wait loop: epoll, waits that end on time
 *   flowsock one socket per flow (Paris UDP and TCP): the port it holds
 *   engine   the probe table, sending, matching answers to their probes,
 *            timeouts
 *   tsched   pp-trace's round scheduler: rounds on time, flows, TTL
 *            limits learnt, --rate turns (a time heap, queues by TTL);
 *            no clock, no sockets (a send hook); its troubles in words
 *   mtrpkt   mtr-packet's protocol as mtr-packet 0.95 speaks it: lines,
 *            requests, the reply-word table (errno, ICMP), reply lines
 *   mtrpkt_run pp-probe --mtr-packet's helper loop: stdin's requests
 *            through mtrpkt, probes through engine, replies to stdout
 *            (command support: prints)
 *   pace     exact wake-ups: learnt wake-up lateness, a budgeted spin
 *   probecli the probers' shared options, target lists, name resolution,
 *            their start (sockets, privilege drop) (command support:
 *            prints)
 *   archive  the probers' -o FILE[.gz]: flushed whole records, readable
 *            after kill -9, rotation (--rotate, --keep), full disk
 * Pictures:
 *   svg      escaped, deterministic SVG writer
 *   axis     nice ticks for value and time axes
 *   tgrid    bounded time columns that coarsen or slide
 *   plot     pp-plot's data model (plot.c), charts (plot_svg.c: frame,
 *            latency, heatmap, timeline; plot_marks.c: event marks;
 *            plot_map.c; plot_summary.c; shared in plot_svg.h), report
 *            (plot_html.c)
 *   compat/getopt  bundled getopt_long (used where the libc has none)
 */
#ifndef PP_PP_H
#define PP_PP_H

#ifndef PP_VERSION
#define PP_VERSION "0.1.0"
#endif

#endif /* PP_PP_H */
