import { readFileSync } from 'node:fs';

/**
 * Whether a process with this id runs on this host. Signal 0 checks without signalling: ESRCH means no such
 * process; EPERM means it exists but belongs to another user (still alive).
 */
export const processAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * When a process started, as the kernel counts it (Linux: field 22 of /proc/PID/stat, clock ticks since boot), or
 * undefined where that cannot be read. A process id is reused once its process is gone; the start time is not, so a
 * lock whose recorded start differs from the live process's belongs to a process that no longer exists.
 */
export const processStart = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; the fields after its last ')' are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
};
