#!/usr/bin/env bash
# Starts a single-node Slurm on this host for the sweep tests: munged, slurmctld and slurmd (Debian's slurm-wlm and
# munge), as root, with a minimal slurm.conf naming this host. Idempotent: a cluster it started and that answers is
# left running. Exits 0 once `sinfo` shows the node idle; otherwise prints one line saying why and exits non-zero.
set -euo pipefail

conf=/etc/slurm/slurm.conf
marker='# written by approx-darts test/slurm/start-slurm.sh'
host=$(hostname -s)

fail() { echo "start-slurm: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (it starts slurmctld, slurmd and munged)"
for bin in munged slurmctld slurmd sinfo sbatch; do command -v "$bin" >/dev/null || fail "$bin not found (apt-get install slurm-wlm munge)"; done
if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then fail "$conf exists and was not written by this script; not touching a real cluster's configuration"; fi

node_idle() { sinfo -h -n "$host" -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; }
if [ -f "$conf" ] && pidof slurmctld >/dev/null && pidof slurmd >/dev/null && node_idle; then exit 0; fi

# munge: a key (the package's postinst usually made one) and the daemon.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged || /usr/sbin/munged --force
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n >/dev/null 2>&1 || fail "munged did not start (see /var/log/munge/munged.log)"
fi

mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cat > "$conf" <<CONF
$marker
ClusterName=approxdarts-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# Requeued jobs become eligible after the credential lifetime (default 120 s); short here so the requeue test is quick.
AuthInfo=cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
ReturnToService=2
JobRequeue=1
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MinJobAge=300
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
# No cgroup.conf: slurmd detects cgroup v1 or v2 itself (22.05 has no "disabled" cgroup plugin); nothing here uses cgroups.

pidof slurmctld >/dev/null || slurmctld
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
scontrol ping 2>/dev/null | grep -q UP || fail "slurmctld did not answer (see /var/log/slurm/slurmctld.log)"
pidof slurmd >/dev/null || slurmd
for _ in $(seq 150); do node_idle && exit 0; sleep 0.2; done
scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
for _ in $(seq 50); do node_idle && exit 0; sleep 0.2; done
fail "node $host is not idle: $(sinfo -h -n "$host" -o '%t %E' 2>&1 | head -n 1) (see /var/log/slurm/slurmd.log)"
