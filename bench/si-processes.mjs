// The systeminformation reference: its processes() on the same host.
import si from 'systeminformation';

const result = await si.processes();
process.stdout.write(`${result.list.length}\n`);
