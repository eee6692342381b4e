import { ProcdocError } from '../errors.js';

/**
 * The error for a PID that names no process in the snapshot. Read from `procRoot` (not a
 * saved snapshot), an id that is a thread of a process (`top -H` and `ps -L` show thread
 * ids) names that process instead, so the person can ask again with its PID.
 */
export async function pidNotFound(pid: number, where: string, hint: string, procRoot: string | null): Promise<ProcdocError> {
  if (procRoot !== null) {
    const [{ FsReader }, { threadsAmong }] = await Promise.all([import('../snapshot/read.js'), import('../snapshot/process.js')]);
    const reader = new FsReader();
    const [thread] = threadsAmong(reader, procRoot, [pid]);
    if (thread !== undefined) {
      const comm = reader.text(`${procRoot}/${thread.pid}/comm`, thread.pid, true)?.trim();
      return new ProcdocError('not-found', `${pid} is not a process but a thread of PID ${thread.pid}${comm ? ` (${comm})` : ''}.`, {
        hint: `Name its process instead: PID ${thread.pid} (\`ps -L -p ${thread.pid}\` lists its threads).`,
      });
    }
  }
  return new ProcdocError('not-found', `No process ${pid} ${where}.`, { hint });
}
