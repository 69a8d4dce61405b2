#!/usr/bin/env bash
# A single-node SLURM cluster from Debian's packages, for the tests marked `slurm`.
#
#   tests/slurm/cluster.sh install   # apt-get install munge slurmctld slurmd slurm-client (root)
#   tests/slurm/cluster.sh start     # write the config, start munged, slurmctld, slurmd; wait for idle
#   tests/slurm/cluster.sh stop      # stop only the daemons this script started (by their PID files)
#   tests/slurm/cluster.sh status    # exit 0 if the node is idle
#
# No systemd is needed: the daemons are started by hand. State, logs and PID files live in
# $TRIPLON_SLURM_STATE (default /tmp/triplon-slurm). Job completions are recorded in
# $TRIPLON_SLURM_STATE/jobcomp.txt (jobcomp/filetxt), so tests can check that jobs went
# through sbatch without slurmdbd. An existing /etc/slurm/slurm.conf that this script did
# not write is never touched.
#
# `stop` leaves the machine as `start` found it: besides the daemons it started, it removes
# what `start` wrote (each recorded in $STATE): /etc/slurm/slurm.conf (while it exists,
# every Snakemake start with the SLURM executor plugin installed waits for the plugin's
# probe of the cluster), the /etc/hosts line for this host, the munge key, and $STATE.
set -euo pipefail

STATE=${TRIPLON_SLURM_STATE:-/tmp/triplon-slurm}
CONF=/etc/slurm/slurm.conf
MARK="# written by triplon tests/slurm/cluster.sh"

die() { echo "cluster.sh: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }

install() {
    need_root
    command -v apt-get >/dev/null || die "apt-get not found (Debian/Ubuntu only)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends munge slurmctld slurmd slurm-client >/dev/null
}

write_config() {
    local host cpus mem
    host=$(hostname -s)
    if ! getent hosts "$host" >/dev/null; then
        echo "127.0.0.1 $host $MARK" >> /etc/hosts
        touch "$STATE/wrote-hosts"
    fi
    cpus=$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)
    mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
    mem=$((mem * 9 / 10))
    if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
        die "$CONF exists and was not written by this script; refusing to touch a real cluster"
    fi
    [ -e "$CONF" ] || touch "$STATE/wrote-conf"
    [ -d /etc/slurm ] || touch "$STATE/made-etc-slurm"
    mkdir -p /etc/slurm "$STATE/ctld" "$STATE/spool"
    cat > "$CONF" <<CONF
$MARK
ClusterName=triplon
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/backfill
MinJobAge=300
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.txt
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    need_root
    command -v slurmctld >/dev/null || die "slurmctld not installed: run '$0 install' first"
    mkdir -p "$STATE"
    write_config
    # munge: use a running one, else start our own as the munge user
    if ! munge -n >/dev/null 2>&1; then
        if [ ! -s /etc/munge/munge.key ]; then
            mungekey --create --keyfile=/etc/munge/munge.key && chown munge: /etc/munge/munge.key
            touch "$STATE/wrote-munge-key"
        fi
        mkdir -p /run/munge && chown munge: /run/munge
        runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
        cp /run/munge/munged.pid "$STATE/munged.pid" 2>/dev/null || sleep 1
        cp /run/munge/munged.pid "$STATE/munged.pid"
        touch "$STATE/started-munged"
    fi
    if ! alive "$STATE/slurmctld.pid"; then
        slurmctld -i && touch "$STATE/started-slurmctld"
    fi
    if ! alive "$STATE/slurmd.pid"; then
        slurmd && touch "$STATE/started-slurmd"
    fi
    for _ in $(seq 60); do
        if [ "$(sinfo -h -N -o %T 2>/dev/null | head -1)" = "idle" ]; then
            echo "cluster.sh: node $(hostname -s) idle ($(sinfo -h -N -o '%c CPUs, %m MB'))"
            return 0
        fi
        scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        sleep 1
    done
    die "node did not become idle within 60 s; see $STATE/slurmctld.log and $STATE/slurmd.log"
}

stop_one() {  # stop a daemon only if this script started it, by its PID file
    local name=$1 pidfile=$2
    [ -f "$STATE/started-$name" ] || return 0
    if alive "$pidfile"; then
        kill "$(cat "$pidfile")"
        for _ in $(seq 30); do alive "$pidfile" || break; sleep 0.5; done
    fi
    rm -f "$STATE/started-$name"
}

stop() {
    stop_one slurmd "$STATE/slurmd.pid"
    stop_one slurmctld "$STATE/slurmctld.pid"
    stop_one munged "$STATE/munged.pid"
    if alive "$STATE/slurmctld.pid" || alive "$STATE/slurmd.pid"; then
        return 0  # daemons this script did not start still use the files
    fi
    if [ -f "$STATE/wrote-conf" ] && grep -qF "$MARK" "$CONF" 2>/dev/null; then
        rm -f "$CONF"
        [ -f "$STATE/made-etc-slurm" ] && rmdir /etc/slurm 2>/dev/null || true
    fi
    if [ -f "$STATE/wrote-hosts" ]; then
        sed -i "\|$MARK|d" /etc/hosts
    fi
    [ -f "$STATE/wrote-munge-key" ] && rm -f /etc/munge/munge.key
    [ -d "$STATE" ] && [ "$STATE" != / ] && rm -rf "$STATE"
    return 0
}

status() { [ "$(sinfo -h -N -o %T 2>/dev/null | head -1)" = "idle" ]; }

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "usage: $0 install|start|stop|status" ;;
esac
