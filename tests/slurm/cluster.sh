#!/usr/bin/env bash
# A one-node Slurm cluster for the tests: munged (as the munge user, with a
# generated key), slurmctld and slurmd, all under one temporary folder, with no
# systemd and nothing written to /etc.
#
#   tests/slurm/cluster.sh start    start the daemons (installs the Debian packages
#                                   when missing and allowed); exit 3 when Slurm
#                                   cannot be installed or run here
#   tests/slurm/cluster.sh stop     stop the daemons this script started, remove the folder
#   tests/slurm/cluster.sh status   exit 0 when the cluster answers
#   tests/slurm/cluster.sh env      print `SLURM_CONF=...` for the clients
#   tests/slurm/cluster.sh use PID / leave PID
#                                   register / unregister a user of the cluster (a test
#                                   process); `leave` stops a cluster that tests started
#                                   ($FLOWLAB_SLURM_OWNER=tests at start) once no live
#                                   user is left, so concurrent test runs share one cluster
#
# The folder is $FLOWLAB_SLURM_DIR (default: $TMPDIR/flowlab-slurm). Clients
# (sbatch, squeue, scancel, scontrol) find the cluster through SLURM_CONF, which
# `start` and `env` print. Ports: $FLOWLAB_SLURM_PORT and the next one (default 16817).
set -uo pipefail

DIR="${FLOWLAB_SLURM_DIR:-${TMPDIR:-/tmp}/flowlab-slurm}"
PORT="${FLOWLAB_SLURM_PORT:-16817}"
CONF="$DIR/slurm.conf"
SOCKET="$DIR/munge/munge.socket"
HOST="$(hostname -s 2>/dev/null || hostname)"
NEEDED=(munged munge slurmctld slurmd sbatch squeue scontrol scancel sinfo)

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi

say() { echo "slurm: $*"; }

# Debian puts the daemons in /usr/sbin, which a user's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

missing() {
  local m=()
  for b in "${NEEDED[@]}"; do command -v "$b" >/dev/null 2>&1 || m+=("$b"); done
  echo "${m[*]}"
}

install_packages() {
  [ -z "$(missing)" ] && return 0
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then return 1; fi
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing slurmctld slurmd slurm-client munge (apt-get)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null 2>&1 || {
    $SUDO apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      slurmctld slurmd slurm-client munge >/dev/null 2>&1
  }
  [ -z "$(missing)" ]
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

answers() {
  [ -f "$CONF" ] || return 1
  local state
  state=$(SLURM_CONF="$CONF" timeout 10 sinfo -h -n "$HOST" -o %T 2>/dev/null | head -n 1)
  [ -n "$state" ] && [[ "$state" != down* ]] && [[ "$state" != drain* ]] && [[ "$state" != unknown* ]]
}

status() {
  pid_alive "$DIR/munged.pid" && pid_alive "$DIR/slurmctld.pid" && pid_alive "$DIR/slurmd.pid" && answers
}

write_conf() {
  local mem
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo 2>/dev/null)
  [ -n "$mem" ] || mem=1024
  cat >"$CONF" <<EOF
# A one-node test cluster (tests/slurm/cluster.sh)
ClusterName=flowlab-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
KillWait=10
MinJobAge=600
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  if status; then
    say "already running (SLURM_CONF=$CONF)"
    return 0
  fi
  if ! install_packages; then
    say "unavailable: cannot install slurmctld slurmd slurm-client munge (missing: $(missing))"
    return 3
  fi
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
    say "unavailable: the daemons must run as root (no root, no passwordless sudo)"
    return 3
  fi
  stop quiet
  $SUDO rm -rf "$DIR"
  mkdir -p "$DIR"/{state,spool,log} || return 1
  chmod 755 "$DIR"
  $SUDO mkdir -p "$DIR/munge"
  $SUDO chown munge:munge "$DIR/munge"
  $SUDO chmod 755 "$DIR/munge"

  # munge: a fresh key, the daemon as the munge user on its own socket
  $SUDO runuser -u munge -- mungekey --create --keyfile="$DIR/munge/munge.key" >/dev/null 2>&1 ||
    $SUDO runuser -u munge -- sh -c "umask 077; head -c 1024 /dev/urandom > '$DIR/munge/munge.key'"
  $SUDO chmod 400 "$DIR/munge/munge.key"
  $SUDO runuser -u munge -- munged --key-file="$DIR/munge/munge.key" --socket="$SOCKET" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" \
    >"$DIR/log/munged.out" 2>&1 9>&- || {
    say "munged did not start: $(cat "$DIR/log/munged.out" 2>/dev/null)"
    return 3
  }
  for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
  $SUDO cat "$DIR/munge/munged.pid" >"$DIR/munged.pid" 2>/dev/null
  if ! munge -n -S "$SOCKET" | unmunge -S "$SOCKET" >/dev/null 2>&1; then
    say "munge does not answer on $SOCKET"
    return 3
  fi

  write_conf
  export SLURM_CONF="$CONF"
  $SUDO env SLURM_CONF="$CONF" slurmctld -f "$CONF" -i >"$DIR/log/slurmctld.out" 2>&1 9>&- || {
    say "slurmctld did not start: $(tail -n 5 "$DIR/log/slurmctld.log" 2>/dev/null)"
    return 3
  }
  $SUDO env SLURM_CONF="$CONF" slurmd -f "$CONF" >"$DIR/log/slurmd.out" 2>&1 9>&- || {
    say "slurmd did not start: $(tail -n 5 "$DIR/log/slurmd.log" 2>/dev/null)"
    return 3
  }
  for i in $(seq 60); do
    if answers; then break; fi
    # a node left down by an earlier cluster comes back
    [ "$i" = 10 ] && $SUDO env SLURM_CONF="$CONF" scontrol update nodename="$HOST" state=resume >/dev/null 2>&1
    sleep 0.5
  done
  if ! status; then
    say "the cluster does not answer: $(tail -n 3 "$DIR/log/slurmctld.log" 2>/dev/null) $(tail -n 3 "$DIR/log/slurmd.log" 2>/dev/null)"
    return 3
  fi
  echo "SLURM_CONF=$CONF" >"$DIR/env"
  echo "${FLOWLAB_SLURM_OWNER:-manual}" >"$DIR/owner"
  say "running on $HOST (SLURM_CONF=$CONF)"
}

stop_pid() {
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid=$($SUDO cat "$file" 2>/dev/null)
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    $SUDO kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && $SUDO kill -9 "$pid" 2>/dev/null
  fi
  return 0
}

stop() {
  [ -d "$DIR" ] || { [ "${1:-}" = quiet ] || say "not running"; return 0; }
  # jobs first, so no task outlives its daemons
  if [ -f "$CONF" ] && pid_alive "$DIR/slurmctld.pid"; then
    SLURM_CONF="$CONF" timeout 10 scancel --user="$(id -un)" >/dev/null 2>&1
  fi
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  stop_pid "$DIR/munge/munged.pid"
  [ "${1:-}" = quiet ] || say "stopped"
  [ -n "${FLOWLAB_SLURM_KEEP:-}" ] || $SUDO rm -rf "$DIR"
}

leave() {
  rm -f "$DIR/users/$1"
  [ "$(cat "$DIR/owner" 2>/dev/null)" = tests ] || return 0
  for u in "$DIR"/users/*; do
    [ -e "$u" ] && kill -0 "$(basename "$u")" 2>/dev/null && return 0
  done
  stop
}

# one start/stop/use/leave at a time (concurrent test runs share the cluster); the daemons
# are started with the lock's descriptor closed, so they do not hold it
lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$DIR.lock"
  flock -w 300 9 || { say "cannot take the lock $DIR.lock"; exit 1; }
}

case "${1:-}" in
  start | stop | use | leave) lock ;;
esac
case "${1:-}" in
  start) start ;;
  use)
    mkdir -p "$DIR/users" && touch "$DIR/users/${2:?give a process id}"
    ;;
  leave) leave "${2:?give a process id}" ;;
  stop) stop ;;
  status)
    if status; then say "running (SLURM_CONF=$CONF)"; else say "not running"; exit 1; fi
    ;;
  env) echo "SLURM_CONF=$CONF" ;;
  *)
    echo "Usage: $0 start|stop|status|env|use PID|leave PID" >&2
    exit 2
    ;;
esac
