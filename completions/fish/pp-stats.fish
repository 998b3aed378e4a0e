# SPDX-License-Identifier: BSD-2-Clause
# fish completion for pp-stats(1)
complete -c pp-stats -s f -l format -x -a 'ndjson table csv prom influx' -d 'output format'
complete -c pp-stats -s h -l help -d 'print the usage'
complete -c pp-stats -s o -l output -r -F -d 'write to a file, replaced atomically'
complete -c pp-stats -s u -l unbuffered -d 'flush after every record'
complete -c pp-stats -s V -l version -d 'print the version'
complete -c pp-stats -l every -x -d 'tumbling windows'
complete -c pp-stats -l outage-loss -x -d 'outage loss threshold, percent'
complete -c pp-stats -l outage-min -x -d 'shortest outage'
complete -c pp-stats -l from -x -d 'only records from this time (ISO 8601, epoch, -2h, +10m, now-1h)'
complete -c pp-stats -l strict -d 'stop at the first bad line'
complete -c pp-stats -l to -x -d 'only records before this time'
complete -c pp-stats -l refused-down -d 'a refused TCP connection is lost, not an answer'
