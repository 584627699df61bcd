#!/bin/sh
# sammachip-backup: a dated hot backup of the Sammachip database, and the
# pruning of old ones. POSIX sh (runs in busybox and on Debian).
#
#   sammachip-backup now     one backup now, then prune
#   sammachip-backup daily   every day at SAMMACHIP_BACKUP_AT, for ever
#                            (the compose file's backup service)
#
# Environment:
#   SAMMACHIP_BACKUP_DIR        where backups go (default /backups)
#   SAMMACHIP_BACKUP_KEEP_DAYS  backups older than this many days are
#                               deleted after a successful backup (default 14)
#   SAMMACHIP_BACKUP_AT         HH:MM of the daily backup, local time of
#                               this process's TZ (default 02:30)
#   SAMMACHIP_BIN               the sammachip binary (default: from PATH)
#   SAMMACHIP_DB, SAMMACHIP_TZ  as for the bot: `sammachip backup` reaches
#                               the running bot through SAMMACHIP_DB.sock
#
# Files are named sammachip-YYYYMMDD-HHMMSS.db. Old ones are pruned only
# after a backup succeeded, so a run of failures never deletes the last
# good backups.
set -u

dir=${SAMMACHIP_BACKUP_DIR:-/backups}
keep=${SAMMACHIP_BACKUP_KEEP_DAYS:-14}
at=${SAMMACHIP_BACKUP_AT:-02:30}
bin=${SAMMACHIP_BIN:-sammachip}

log() { echo "sammachip-backup: $*"; }

once() {
	name="$dir/sammachip-$(date +%Y%m%d-%H%M%S).db"
	if ! "$bin" backup "$name"; then
		log "backup to $name FAILED; old backups kept"
		return 1
	fi
	log "backup written: $name"
	# -mtime +N: last changed more than N whole days ago.
	find "$dir" -maxdepth 1 -type f -name 'sammachip-*.db' -mtime "+$keep" \
		-exec rm -f {} \; -exec echo "sammachip-backup: pruned {}" \;
	return 0
}

# seconds_until HH:MM: how long to sleep until the next HH:MM.
seconds_until() {
	now=$(date +%s)
	next=$(date -d "$1" +%s) || return 1
	if [ "$next" -le "$now" ]; then
		next=$((next + 86400))
	fi
	echo $((next - now))
}

case "${1:-}" in
now)
	once
	;;
daily)
	case "$keep" in '' | *[!0-9]*)
		log "SAMMACHIP_BACKUP_KEEP_DAYS=$keep: expected a whole number of days"
		exit 2
		;;
	esac
	if ! seconds_until "$at" >/dev/null; then
		log "SAMMACHIP_BACKUP_AT=$at: expected a time of day as HH:MM"
		exit 2
	fi
	log "daily backups at $at into $dir, keeping $keep days"
	while :; do
		wait=$(seconds_until "$at")
		sleep "$wait" &
		# Wait in the background so that docker stop (SIGTERM) ends us at once.
		trap 'kill $! 2>/dev/null; exit 0' TERM INT
		wait $!
		once || :
	done
	;;
*)
	echo "usage: sammachip-backup now|daily" >&2
	exit 2
	;;
esac
