# SPDX-License-Identifier: BSD-2-Clause
# Servers on loopback for the export and fleet tests (tests/export.bats,
# tests/tsdb.bats): load 'test_helper/servers' after common; set T (a
# directory of the test's own) before starting one, and call
# stop_servers from teardown.  Every server writes its pid to $T/*.pid.

# need COMMAND PACKAGE: skip, naming the package, when COMMAND is missing.
need() {
	command -v "$1" >/dev/null || skip "$1 is not installed (make deps: $2)"
}

# free_port: a TCP port on 127.0.0.1 free at this moment.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop_servers: stop the servers this test started, by their pid (TERM,
# 5 s, then KILL).
stop_servers() {
	local f
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$(cat "$f")" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$(cat "$f")" 2>/dev/null || true
	done
}

# start_influxd: InfluxDB 1.x on loopback, a temp config, data in $T/influx,
# no reporting; sets INFLUX (the base URL) once it answers /ping (10 s at
# most; else its log on stderr and false).  Creates no database.
start_influxd() {
	need influxd influxdb
	need curl curl
	local port rpc
	port=$(free_port)
	rpc=$(free_port)
	cat >"$T/influxdb.conf" <<-EOF
	reporting-disabled = true
	bind-address = "127.0.0.1:$rpc"
	[meta]
	  dir = "$T/influx/meta"
	[data]
	  dir = "$T/influx/data"
	  wal-dir = "$T/influx/wal"
	  query-log-enabled = false
	[http]
	  bind-address = "127.0.0.1:$port"
	  log-enabled = false
	[monitor]
	  store-enabled = false
	[continuous_queries]
	  enabled = false
	[subscriber]
	  enabled = false
	EOF
	influxd run -config "$T/influxdb.conf" >"$T/influxd.log" 2>&1 &
	echo $! >"$T/influxd.pid"
	INFLUX="http://127.0.0.1:$port"
	for _ in $(seq 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$INFLUX/ping")" = 204 ] && return 0
		sleep 0.1
	done
	cat "$T/influxd.log" >&2
	false
}
