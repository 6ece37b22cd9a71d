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
