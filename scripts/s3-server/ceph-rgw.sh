#!/usr/bin/env bash
# One-node Ceph RGW (S3 gateway) on 127.0.0.1 for integration tests and CI.
#
#   ceph-rgw.sh install                                  apt-get the Debian packages if missing
#   ceph-rgw.sh start DIR PORT ACCESS_KEY SECRET_KEY     fresh cluster under DIR, S3 on 127.0.0.1:PORT
#   ceph-rgw.sh stop DIR                                 kill its daemons and remove DIR
#
# The cluster is one mon, one OSD on memstore (data lives in the OSD's RAM) and
# one radosgw. Everything it writes (conf, keyring, mon/osd data, logs, pid files,
# admin sockets) is inside DIR, so several clusters can coexist and nothing under
# /etc/ceph or /var/lib/ceph is touched.
#
# Environment knobs:
#   CEPH_RGW_TIMEOUT        seconds to wait for S3 to answer (default 120)
#   CEPH_MEMSTORE_BYTES     OSD capacity in bytes (default 4 GiB; RAM is only used as data arrives)
set -euo pipefail

# curl (readiness probe) and iproute2 (ss) are usually present; listed so a bare image works.
PACKAGES=(ceph-mon ceph-osd radosgw curl iproute2)
MARKER=.dsp-ceph-rgw   # marks a DIR as ours, so `stop`/`start` never rm -rf a foreign directory

die() { echo "ceph-rgw: $*" >&2; exit 1; }
log() { echo "ceph-rgw: $*" >&2; }

usage() {
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd_install() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "packages already installed: ${PACKAGES[*]}"
    return 0
  fi
  # --no-install-recommends: recommends pull in ceph-mgr, ceph-mds and ~60 more
  # packages that a mon + OSD + radosgw never use.
  local apt=(apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0)
  local out; out=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  log "installing ${missing[*]}"
  # A machine with current package lists needs no `apt-get update`; only pay for it
  # when the install fails (fresh container, stale lists).
  if ! "${apt[@]}" "${missing[@]}" >"$out" 2>&1; then
    log "install failed; running apt-get update and retrying"
    if ! { apt-get update -qq && "${apt[@]}" "${missing[@]}"; } >"$out" 2>&1; then
      cat "$out" >&2; rm -f "$out"
      die "apt-get install ${missing[*]} failed"
    fi
  fi
  rm -f "$out"
  log "installed: $(radosgw --version)"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
elapsed() { local ms=$(( $(now_ms) - T0_MS )); printf '%d.%01d s' $((ms / 1000)) $((ms % 1000 / 100)); }

# Canonical absolute path without requiring it to exist (realpath -m).
abspath() { realpath -m -- "$1"; }

# Refuse to delete anything that is not a DIR this script created.
check_owned() {
  local dir=$1
  case "$dir" in /|/root|/home|/tmp|/etc|/var|/usr|"") die "refusing to use '$dir' as the cluster dir" ;; esac
  if [ -e "$dir" ] && [ -n "$(ls -A -- "$dir" 2>/dev/null)" ] && [ ! -e "$dir/$MARKER" ]; then
    die "$dir exists, is not empty and was not created by this script; refusing to touch it"
  fi
}

# Processes of this cluster: those in the pid files, plus any ceph process whose
# command line names this DIR's conf (covers a crash between fork and pid file,
# and the one-shot mkfs / radosgw-admin commands of an interrupted `start`).
cluster_pids() {
  local dir=$1 f pid
  {
    for f in "$dir"/run/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f" 2>/dev/null || true)
      [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
    done
    pgrep -f -- "-c $dir/ceph.conf( |$)" || true
  } | sort -u
}

# SIGKILL every process of the cluster in DIR and wait until they are gone.
kill_cluster() {
  local dir=$1 pids
  pids=$(cluster_pids "$dir")
  [ -n "$pids" ] || return 0
  # The data is throw-away, and a clean memstore shutdown would first dump the
  # whole in-RAM store to DIR (slow with a 1 GiB object in it), so no SIGTERM.
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 100); do
    pids=$(cluster_pids "$dir")
    [ -z "$pids" ] && return 0
    sleep 0.1
  done
  die "processes still alive 10 s after SIGKILL: $pids"
}

cmd_stop() {
  [ $# -eq 1 ] || usage
  local dir; dir=$(abspath "$1")
  check_owned "$dir"
  [ -e "$dir" ] || { log "$dir does not exist; nothing to stop"; return 0; }
  kill_cluster "$dir"
  rm -rf -- "$dir"
  log "stopped and removed $dir"
}

# A free TCP port on 127.0.0.1 for the mon (the caller only chooses the S3 port).
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

write_conf() {
  local dir=$1 port=$2 mon_port=$3 fsid=$4 memstore_bytes=$5
  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
mon initial members = a
# Only msgr2: one port per mon, no legacy 6789 listener.
ms bind msgr1 = false
# Without these the OSD binds its public/cluster/heartbeat ports on 0.0.0.0.
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.1/32
cluster network = 127.0.0.1/32
# auth "none" never finishes connecting (client and daemons disagree); cephx works.
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
# Keep every file this cluster writes inside DIR. (A socket path over 107 bytes only
# logs "... is too long!" and runs without that admin socket.)
run dir = $dir/run
admin socket = $dir/run/\$cluster-\$name.asok
pid file = $dir/run/\$cluster-\$name.pid
log file = $dir/log/\$cluster-\$name.log
log to stderr = false
err to stderr = true
mon cluster log file = $dir/log/\$cluster.log
crash dir = $dir/crash
# One OSD: replicas of 1, few PGs, no "no redundancy" warning, place by OSD not host.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
mon allow pool delete = true
# The mon otherwise warns below 30 % free disk and shuts itself down below 5 %,
# which a busy CI disk can hit; the mon's store here is tiny.
mon data avail warn = 1
mon data avail crit = 0
# Every client here is current; drop the matching HEALTH_WARN.
auth allow insecure global id reclaim = false

[mon]
mon data = $dir/mon/\$cluster-\$id
# radosgw creates ~6 pools on first start and each one is a new osdmap epoch; the
# mon batches proposals for 1 s by default, which made start-up ~10 s slower.
paxos propose interval = 0.01
paxos min wait = 0.01

[osd]
osd data = $dir/osd/\$cluster-\$id
osd objectstore = memstore
# Capacity the OSD reports; RAM is only used as data arrives. Tests upload a 1 GiB file.
memstore device bytes = $memstore_bytes

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
# Lets virtual-hosted-style requests (Host: BUCKET.localhost) work; path style always does.
rgw dns name = localhost
# Deleted and aborted objects otherwise stay in RAM for 2 h before gc frees them.
rgw gc obj min wait = 30
rgw gc processor period = 30
rgw gc processor max time = 30
EOF
}

cmd_start() {
  [ $# -eq 4 ] || usage
  local port access secret
  # DIR and T0_MS are global: the EXIT trap below reads them after cmd_start exits.
  DIR=$(abspath "$1"); port=$2; access=$3; secret=$4
  local dir=$DIR
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number: $port"
  command -v radosgw >/dev/null || die "radosgw is not installed; run: $0 install"
  T0_MS=$(now_ms)
  local timeout=${CEPH_RGW_TIMEOUT:-120}
  local deadline_ms=$((T0_MS + timeout * 1000))

  check_owned "$dir"
  if [ -e "$dir/$MARKER" ]; then
    log "$dir is left over from an earlier run; stopping and cleaning it"
    cmd_stop "$dir"
  fi
  if ss -Hltn "sport = :$port" | grep -q .; then
    die "port $port is already in use: $(ss -Hltnp "sport = :$port")"
  fi

  mkdir -p "$dir"/{run,log,crash,mon,osd,rgw}
  touch "$dir/$MARKER"
  local conf=$dir/ceph.conf
  local fsid mon_port osd_uuid
  fsid=$(cat /proc/sys/kernel/random/uuid); osd_uuid=$(cat /proc/sys/kernel/random/uuid); mon_port=$(free_port)
  write_conf "$dir" "$port" "$mon_port" "$fsid" "${CEPH_MEMSTORE_BYTES:-$((4 << 30))}"

  # On failure: say why, show the logs' tails, kill what was started (a half-up
  # cluster only holds RAM and ports) but keep DIR for inspection; `stop` removes it.
  on_fail() {
    local rc=$?
    [ $rc -eq 0 ] && return
    log "start failed (exit $rc) after $(elapsed); log tails from $DIR/log:"
    local f
    for f in "$DIR"/log/*.log "$DIR"/log/*.out; do
      [ -s "$f" ] || continue
      echo "----- $f" >&2
      tail -n 25 "$f" >&2
    done
    kill_cluster "$DIR" || true
    log "daemons killed; logs kept in $DIR/log; remove with: $0 stop $DIR"
  }
  trap on_fail EXIT

  # Each remaining step gets only what is left of the overall deadline.
  # (ceph tools wait forever for an unreachable mon, so every step is bounded.)
  left() { local l=$(( (deadline_ms - $(now_ms) + 999) / 1000 )); echo $((l > 0 ? l : 1)); }
  run() {
    local rc=0
    echo "+ [$(date +%T.%3N)] $*" >>"$dir/log/setup.out"
    timeout "$(left)" "$@" >>"$dir/log/setup.out" 2>&1 || rc=$?
    [ $rc -ne 124 ] || die "timed out after ${timeout}s in: $*"
    [ $rc -eq 0 ] || die "failed (exit $rc): $* (output in $dir/log/setup.out)"
  }
  ceph_() { run ceph -c "$conf" --connect-timeout 10 "$@"; }

  # One keyring for every entity; `ceph-mon --mkfs` imports all of its keys and caps,
  # so no `ceph auth add` round trips are needed later.
  local kr=$dir/keyring
  run ceph-authtool --create-keyring "$kr" --gen-key -n mon. --cap mon 'allow *'
  run ceph-authtool "$kr" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *'
  run ceph-authtool "$kr" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd'
  run ceph-authtool "$kr" --gen-key -n client.rgw.a \
    --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw'

  run monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap"
  run ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$kr"
  run ceph-mon -c "$conf" -i a   # forks into the background once it is up

  ceph_ osd new "$osd_uuid" 0
  mkdir -p "$dir/osd/ceph-0"   # mkfs writes its fsid file there but does not create it
  run ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid"
  run ceph-osd -c "$conf" -i 0

  # radosgw-admin creates the realm/zone pools itself, so it can run before radosgw.
  run radosgw-admin -c "$conf" user create --uid=dsp --display-name="dsp tests" \
    --access-key="$access" --secret-key="$secret"
  run radosgw -c "$conf" -n client.rgw.a

  # Ready means an authenticated S3 ListBuckets succeeds. SigV4 via curl avoids a
  # Python start-up per poll; curl does not add the x-amz-content-sha256 header S3
  # requires (without it: 403 SignatureDoesNotMatch), so send the empty-body hash.
  local url=http://127.0.0.1:$port/ code
  local empty_sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  while :; do
    code=$(curl -s -o "$dir/log/ready-probe.out" -w '%{http_code}' --max-time 5 \
      --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access:$secret" \
      -H "x-amz-content-sha256: $empty_sha256" "$url" || true)
    [ "$code" = 200 ] && break
    [ "$(now_ms)" -lt $deadline_ms ] || die "S3 on $url not ready after ${timeout}s (last HTTP status: ${code:-none})"
    sleep 0.5
  done

  # Nothing of ours may listen beyond loopback.
  local pids wide
  pids=$(cluster_pids "$dir" | paste -sd'|')
  wide=$(ss -Hltnp | grep -E "pid=($pids)," | awk '$4 !~ /^127\.0\.0\.1:/' || true)
  [ -z "$wide" ] || die "a daemon listens beyond 127.0.0.1:"$'\n'"$wide"

  trap - EXIT
  echo "ceph-rgw: ready on $url after $(elapsed) (dir $dir)"
}

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) usage ;;
esac
