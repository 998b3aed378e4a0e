#!/usr/bin/env bats
# SPDX-License-Identifier: BSD-2-Clause
# pp-geo: locations, ASNs, special addresses, range files, reverse DNS.

setup() {
	load 'test_helper/common'
	pp_setup
	D="$PP_TOP/tests/data"
	CITY="$D/mmdb/GeoLite2-City-Test.mmdb"
	ASN="$D/mmdb/GeoLite2-ASN-Test.mmdb"
	cat >"$BATS_TEST_TMPDIR/in.ndjson" <<-'X'
	{"type":"meta","tool":"pp-trace","version":"0.1.0","schema":1,"ts":1,"host":"h","argv":[],"settings":{}}
	{"type":"probe","ts":1.0,"target":"t","dst":"2.125.160.216","proto":"icmp","ttl":1,"round":0,"seq":0,"status":"ttl-expired","from":"10.0.0.1","rtt":0.5}
	{"type":"probe","ts":1.1,"target":"t","dst":"2.125.160.216","proto":"icmp","ttl":2,"round":0,"seq":1,"status":"ttl-expired","from":"89.160.20.112","rtt":5.25}
	{"type":"probe","ts":1.2,"target":"t","dst":"2.125.160.216","proto":"icmp","ttl":3,"round":0,"seq":2,"status":"timeout"}
	{"type":"probe","ts":1.3,"target":"t","dst":"2.125.160.216","proto":"icmp","ttl":4,"round":0,"seq":3,"status":"reply","from":"2.125.160.216","rtt":9.0}
	{"type":"stats","target":"t","ttl":2,"addr":"1.0.0.1","start":1,"end":2,"sent":1,"recv":1,"loss":0.0,"addrs":[{"addr":"1.0.0.1","recv":1}]}
	{"type":"x-future","from":"81.2.69.160","n":[1,2]}
	X
}

@test "pp-geo -h prints the usage, equal to the man page SYNOPSIS" {
	pp_run 0 pp-geo -h
	assert_line --index 0 --partial "usage: pp-geo [-hV]"
	usage_matches_man pp-geo
}

@test "pp-geo: bad options; missing or broken databases are errors" {
	pp_run 2 pp-geo --bogus
	assert_stderr --partial "usage: pp-geo"
	pp_run 2 pp-geo --dns-server 127.0.0.1
	assert_stderr --partial "--dns-server needs --rdns"
	pp_run 2 pp-geo --db /nonexistent.mmdb </dev/null
	assert_stderr --partial "cannot open MaxMind DB '/nonexistent.mmdb'"
	pp_run 2 pp-geo --db "$D/mmdb/GeoIP2-City-Test-Invalid-Node-Count.mmdb" </dev/null
	assert_stderr --partial "cannot open MaxMind DB"
	printf '1.2.3.4,x\n' >"$BATS_TEST_TMPDIR/r.csv"
	pp_run 2 pp-geo --ranges "$BATS_TEST_TMPDIR/r.csv" </dev/null
	assert_stderr --partial "r.csv:1: not a range line"
}

@test "pp-geo: City and ASN databases; the rest of each line untouched" {
	pp_run 0 pp-geo --db "$CITY" --asn-db "$ASN" "$BATS_TEST_TMPDIR/in.ndjson"
	assert_ndjson
	[ "${#lines[@]}" -eq 7 ]
	# Every line starts with its original text, minus the final brace.
	i=0
	while IFS= read -r l; do
		case "${lines[$i]}" in "${l%\}}"*) ;; *) false ;; esac
		i=$((i + 1))
	done <"$BATS_TEST_TMPDIR/in.ndjson"
	assert_line --index 0 '{"type":"meta","tool":"pp-trace","version":"0.1.0","schema":1,"ts":1,"host":"h","argv":[],"settings":{}}'
	assert_line --index 1 --partial ',"rtt":0.5,"from_geo":{"special":"private"},"dst_geo":{"cc":"GB","country":"United Kingdom","city":"Boxford","lat":51.75,"lon":-1.25}}'
	assert_line --index 2 --partial '"from_geo":{"cc":"SE","country":"Sweden","city":"Linköping","lat":58.4167,"lon":15.6167,"asn":29518,"as_org":"Bredband2 AB"}'
	assert_line --index 3 --partial '"status":"timeout","dst_geo":{"cc":"GB"'
	assert_line --index 5 --partial '"addrs":[{"addr":"1.0.0.1","recv":1}],"addr_geo":{"asn":15169,"as_org":"Google Inc."}}'
	# Unknown types with address fields are enriched too; and a second
	# pass adds nothing.
	assert_line --index 6 --partial '{"type":"x-future","from":"81.2.69.160","n":[1,2],"from_geo":{"cc":"GB"'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/once"
	pp_run 0 pp-geo --db "$CITY" "$BATS_TEST_TMPDIR/once"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/once")" ]
}

@test "pp-geo: the same answers as mmdblookup" {
	command -v mmdblookup >/dev/null || skip "mmdblookup not installed"
	for ip in 89.160.20.112 81.2.69.160 216.160.83.56 2001:480::1; do
		want=$(mmdblookup --file "$CITY" --ip "$ip" country iso_code 2>/dev/null | sed -n 's/.*"\(.*\)".*/\1/p')
		got=$(printf '{"type":"probe","ts":1,"target":"t","status":"reply","from":"%s","rtt":1}\n' "$ip" |
			pp-geo --db "$CITY" | jq -r '.from_geo.cc // ""')
		[ "$want" = "$got" ]
	done
}

@test "pp-geo --ranges: Tor's geoip files, IPv4 and IPv6" {
	printf '%s\n' '{"type":"probe","ts":1,"target":"t","status":"reply","from":"1.0.0.1","dst":"2a02:1200::1","rtt":1}' |
		gzip >"$BATS_TEST_TMPDIR/p.gz"
	gzip -c "$D/ranges/tor-geoip6-sample.csv" >"$BATS_TEST_TMPDIR/geoip6.gz"
	pp_run 0 pp-geo --ranges "$D/ranges/tor-geoip-sample.csv" --ranges "$BATS_TEST_TMPDIR/geoip6.gz" "$BATS_TEST_TMPDIR/p.gz"
	assert_output --partial '"from_geo":{"cc":"AU"},"dst_geo":{"cc":"CH"}}'
	# Other column layouts.
	printf 'AU\t1.0.0.0\t1.0.0.255\n' >"$BATS_TEST_TMPDIR/r.tsv"
	printf '{"type":"probe","ts":1,"target":"t","status":"reply","from":"1.0.0.9","rtt":1}\n' |
		pp_run 0 pp-geo --range-format cc,start,end --ranges "$BATS_TEST_TMPDIR/r.tsv"
	assert_output --partial '"from_geo":{"cc":"AU"}'
}

# A dnsmasq answering PTR queries on a free loopback port.
start_dns() {
	command -v dnsmasq >/dev/null || skip "dnsmasq not installed"
	DNS_PORT=$(( 20000 + RANDOM % 20000 ))
	dnsmasq --no-daemon --port="$DNS_PORT" --listen-address=127.0.0.1 \
		--bind-interfaces --no-resolv --no-hosts --conf-file=/dev/null \
		--ptr-record=112.20.160.89.in-addr.arpa,core1.lkp.example \
		--ptr-record=216.160.125.2.in-addr.arpa,edge-2.example \
		--ptr-record=1.0.0.1.in-addr.arpa,'x"<b>onmouseover=alert(1)</b>.example' \
		--ptr-record=1.0.0.10.in-addr.arpa,gw.lan \
		--ptr-record=1.1.64.100.in-addr.arpa,cgn-1.isp.example \
		--log-queries 2>"$BATS_TEST_TMPDIR/dnsmasq.log" &
	DNS_PID=$!
	for i in $(seq 50); do grep -q 'started' "$BATS_TEST_TMPDIR/dnsmasq.log" && break; sleep 0.1; done
}

teardown() {
	[ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null || true
}

@test "pp-geo --rdns: names from a real DNS server; markup never gets through" {
	start_dns
	pp_run 0 pp-geo --db "$CITY" --rdns --dns-server "127.0.0.1:$DNS_PORT" "$BATS_TEST_TMPDIR/in.ndjson"
	assert_ndjson
	assert_line --index 2 --partial '"from_host":"core1.lkp.example"'
	assert_line --index 4 --partial '"from_host":"edge-2.example","dst_geo":'
	assert_line --index 4 --partial '"dst_host":"edge-2.example"}'
	# Private (LAN) and shared (CGNAT, ISP-internal) addresses are looked
	# up too; a PTR name full of markup is refused by the resolver
	# library: no name, still valid JSON.
	assert_line --index 1 --partial '"from_geo":{"special":"private"},"from_host":"gw.lan"'
	refute_output --partial 'onmouseover'
	grep -c 'query\[PTR\]' "$BATS_TEST_TMPDIR/dnsmasq.log" >"$BATS_TEST_TMPDIR/n"
	[ "$(cat "$BATS_TEST_TMPDIR/n")" -le 5 ]	# cached
	[ -z "$stderr" ]
	printf '{"type":"probe","ts":1,"target":"t","status":"ttl-expired","ttl":2,"from":"100.64.1.1","rtt":1}\n{"type":"probe","ts":1,"target":"t","status":"reply","from":"224.0.0.1","rtt":1}\n' >"$BATS_TEST_TMPDIR/cgn.ndjson"
	pp_run 0 pp-geo --rdns --dns-server "127.0.0.1:$DNS_PORT" "$BATS_TEST_TMPDIR/cgn.ndjson"
	assert_line --index 0 --partial '"from_geo":{"special":"shared"},"from_host":"cgn-1.isp.example"}'
	# Multicast names no host: not asked.
	refute_line --index 1 --partial '_host'
	! grep -q '1.0.0.224.in-addr.arpa' "$BATS_TEST_TMPDIR/dnsmasq.log"
	# And pp-stats shows the names in its table.
	pp-geo --rdns --dns-server "127.0.0.1:$DNS_PORT" "$BATS_TEST_TMPDIR/in.ndjson" >"$BATS_TEST_TMPDIR/named"
	pp_run 0 pp-stats -f table "$BATS_TEST_TMPDIR/named"
	assert_line --regexp '^  1\.\|-- gw\.lan +0\.0% '
	assert_line --regexp '^  2\.\|-- core1\.lkp\.example +0\.0% '
	assert_line --regexp '^  4\.\|-- edge-2\.example +0\.0% '
}

@test "pp-geo --rdns: a resolver that never answers is said, once and in the end" {
	python3 -c 'import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); open("'"$BATS_TEST_TMPDIR"'/port","w").write(str(s.getsockname()[1])); time.sleep(30)' &
	sink=$!
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.1; done
	port=$(cat "$BATS_TEST_TMPDIR/port")
	pp_run 0 pp-geo --rdns --dns-server "127.0.0.1:$port" --dns-timeout 300ms "$BATS_TEST_TMPDIR/in.ndjson"
	kill "$sink"
	[ "${#lines[@]}" -eq 7 ]
	assert_stderr --partial "pp-geo: reverse DNS: no answer from the server 127.0.0.1:$port within 0.3 s; records go on without names"
	assert_stderr --partial "pp-geo: reverse DNS: 5 of 5 lookups got no answer from the server 127.0.0.1:$port"
	[ "$(grep -c 'records go on without names' <<<"$stderr")" -eq 1 ]
}

@test "pp-geo --rdns: a dead resolver delays records by at most the timeout, in order" {
	# A UDP port nobody answers on (a socket that never reads).
	python3 -c 'import socket,time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); open("'"$BATS_TEST_TMPDIR"'/port","w").write(str(s.getsockname()[1])); time.sleep(30)' &
	sink=$!
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.1; done
	start=$(date +%s%N)
	pp_run 0 pp-geo --rdns --dns-server "127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")" --dns-timeout 500ms "$BATS_TEST_TMPDIR/in.ndjson"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	kill "$sink"
	[ "${#lines[@]}" -eq 7 ]
	refute_output --partial '_host'
	# Lookups run side by side: one timeout, not one per address.
	[ "$ms" -lt 2500 ]
	# Order kept.
	[ "$(printf '%s\n' "$output" | jq -r '.seq // "-"' | tr -d '\n')" = "-0123--" ]
}

@test "pp-geo: a live stream is not held back: each record comes out as it goes in" {
	start_dns
	fifo="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$fifo"
	pp-geo --rdns --dns-server "127.0.0.1:$DNS_PORT" <"$fifo" >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5>"$fifo"
	sed -n 3p "$BATS_TEST_TMPDIR/in.ndjson" >&5
	for i in $(seq 30); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	grep -q 'core1.lkp.example' "$BATS_TEST_TMPDIR/out"
	exec 5>&-
	wait "$pid"
}

@test "pp-geo: bad lines, missing files, empty input, gzip" {
	{ head -2 "$BATS_TEST_TMPDIR/in.ndjson"; echo '{"bad":'; tail -n +3 "$BATS_TEST_TMPDIR/in.ndjson"; } >"$BATS_TEST_TMPDIR/bad"
	pp_run 0 pp-geo --db "$CITY" "$BATS_TEST_TMPDIR/bad"
	assert_stderr --partial "bad:3: invalid JSON"
	[ "${#lines[@]}" -eq 7 ]
	pp_run 1 pp-geo --strict "$BATS_TEST_TMPDIR/bad"
	pp_run 1 pp-geo "$BATS_TEST_TMPDIR/nope" "$BATS_TEST_TMPDIR/in.ndjson"
	assert_stderr --partial "cannot open"
	[ "${#lines[@]}" -eq 7 ]
	pp_run 0 pp-geo </dev/null
	[ -z "$output" ]
	gzip -c "$BATS_TEST_TMPDIR/in.ndjson" >"$BATS_TEST_TMPDIR/in.gz"
	[ "$(pp-geo --db "$CITY" "$BATS_TEST_TMPDIR/in.gz")" = "$(pp-geo --db "$CITY" "$BATS_TEST_TMPDIR/in.ndjson")" ]
}

@test "pp-geo: a full disk is reported, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	pp_run 1 bash -c "pp-geo --db '$CITY' '$BATS_TEST_TMPDIR/in.ndjson' >/dev/full"
	assert_stderr --partial "write error: No space left on device"
}
