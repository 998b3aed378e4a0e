#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# pp-geo benchmark: enrich 1,000,000 probe records with the City and ASN
# test databases (target: >= 500,000 records/s), warm (a few hundred
# addresses, as a trace has) and cold (200,000 distinct addresses, past the
# cache), against mmdblookup, which takes one process per address.
# Usage: tests/bench/geo.sh [BIN-DIR]
set -eu
bin=${1:-bin}
top=$(cd "$(dirname "$0")/../.." && pwd)
city="$top/tests/data/mmdb/GeoLite2-City-Test.mmdb"
asn="$top/tests/data/mmdb/GeoLite2-ASN-Test.mmdb"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=${BENCH_N:-1000000}

# Addresses the test databases know, from their vectors.
grep -hv '^#' "$top"/tests/data/mmdb/vectors/GeoLite2-City-Test.vectors.tsv \
	"$top"/tests/data/mmdb/vectors/GeoLite2-ASN-Test.vectors.tsv |
	awk -F'\t' 'NR > 1 && $1 != "ip" { print $1 }' | sort -u >"$tmp/addrs"
awk -v n="$n" 'NR == FNR { a[na++] = $1; next } END {
	for (i = 0; i < n; i++)
		printf "{\"type\":\"probe\",\"ts\":%.6f,\"target\":\"t\",\"dst\":\"%s\",\"seq\":%d,\"status\":\"reply\",\"from\":\"%s\",\"rtt\":%.3f}\n", 1764000000 + i * 0.001, a[i % na], i, a[(i * 7) % na], 10 + (i % 13) * 0.5
}' "$tmp/addrs" /dev/null >"$tmp/warm.ndjson"
awk -v n="$n" 'BEGIN {
	for (i = 0; i < n; i++) {
		k = i % 200000
		printf "{\"type\":\"probe\",\"ts\":%.6f,\"target\":\"t\",\"seq\":%d,\"status\":\"reply\",\"from\":\"81.%d.%d.%d\",\"rtt\":1.5}\n", 1764000000 + i * 0.001, i, int(k / 65536), int(k / 256) % 256, k % 256
	}
}' >"$tmp/cold.ndjson"

now() { date +%s.%N; }
for kind in warm cold; do
	per=2
	[ "$kind" = cold ] && per=1
	t0=$(now)
	"$bin/pp-geo" --db "$city" --asn-db "$asn" "$tmp/$kind.ndjson" >/dev/null
	t1=$(now)
	s=$(echo "$t1 - $t0" | bc)
	eval "s_$kind=$s"
	printf 'pp-geo, %s addresses: %.3f s, %d records/s (%d addresses/s, %d a record)\n' \
		"$kind" "$s" "$(echo "$n / $s" | bc)" "$(echo "$per * $n / $s" | bc)" "$per"
done
if command -v mmdblookup >/dev/null; then
	m=1000
	head -n $m "$tmp/addrs" >"$tmp/few"
	t0=$(now)
	i=0
	while [ $i -lt $m ]; do
		while read -r ip; do
			mmdblookup --file "$city" --ip "$ip" >/dev/null 2>&1 || true
			i=$((i + 1))
			[ $i -ge $m ] && break
		done <"$tmp/few"
	done
	t1=$(now)
	s=$(echo "$t1 - $t0" | bc)
	rate=$(echo "$m / $s" | bc)
	printf 'mmdblookup, one process per address: %d lookups/s; pp-geo (cold) is %.0fx faster\n' \
		"$rate" "$(echo "$n / $s_cold / $rate" | bc -l)"
fi
