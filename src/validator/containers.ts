import { add, alt, readOnly, target, type Acc, type JudgeContext } from './acc.js';
import { each, type CommandTable } from './call.js';
import { SIGNAL, parseSignal } from './signals.js';

// The containers family: docker, podman, nerdctl, crictl, kubectl.

const DOCKER_READ = new Set(['ps', 'inspect', 'logs', 'top', 'stats', 'images', 'info', 'version', 'events', 'port', 'diff', 'history', 'ls', 'list', 'df', 'search', 'healthcheck']);
const DOCKER_STOP = new Set(['stop', 'kill', 'restart', 'pause', 'unpause', 'rm', 'start', 'update', 'wait']);

/** docker / podman: reading is allowed; stop and kill are judged against the container's processes. */
function judgeContainerCli(name: string, args: readonly string[], ctx: JudgeContext, acc: Acc): void {
  const positional: string[] = [];
  let signal: number | null = null;
  let remote = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-H' || a === '--host' || a === '--context' || a === '-c' || a === '--url' || a === '--connection') {
      remote = true;
      i++;
    } else if (a === '-s' || a === '--signal') signal = parseSignal(args[++i] ?? '');
    else if (a.startsWith('--signal=')) signal = parseSignal(a.slice(9));
    else if (a === '-t' || a === '--time' || a === '--timeout') i++;
    else if (!a.startsWith('-')) positional.push(a);
  }
  let [verb, ...rest] = positional;
  if (verb === 'container' || verb === 'image' || verb === 'network' || verb === 'volume' || verb === 'system' || verb === 'compose' || verb === 'pod') {
    const group = verb;
    verb = rest[0];
    rest = rest.slice(1);
    if (group === 'volume' && (verb === 'rm' || verb === 'prune')) return void add(acc, 'destructive', `${name} volume ${verb} deletes data volumes for good.`);
    if (group === 'system' && verb === 'prune') return void add(acc, 'destructive', `${name} system prune deletes stopped containers, images and possibly volumes.`);
    if (group !== 'container' && group !== 'pod') {
      if (verb !== undefined && DOCKER_READ.has(verb)) return readOnly(acc, `${name} ${group} ${verb}`);
      return void add(acc, 'state-change', `${name} ${group} ${verb ?? ''} changes ${group}s.`);
    }
  }
  if (verb === undefined) return readOnly(acc, name);
  if (DOCKER_READ.has(verb)) return readOnly(acc, `${name} ${verb}`);
  if (verb === 'exec' || verb === 'run' || verb === 'attach' || verb === 'cp' || verb === 'create' || verb === 'debug') {
    add(acc, 'shell-indirection', `${name} ${verb} runs a program inside a container, where this snapshot cannot judge what it does. Check the inner command against a snapshot taken in the container.`);
    return;
  }
  if (remote) return void add(acc, 'shell-indirection', `${name} talks to another engine or host that this snapshot does not cover.`);
  if (!DOCKER_STOP.has(verb)) return void add(acc, 'unknown-command', `${name} ${verb} is not a command procdoc judges; check it by hand.`);
  if (verb === 'start' || verb === 'unpause' || verb === 'wait' || verb === 'update') return void add(acc, 'state-change', `${name} ${verb} ${rest.join(' ')}.`);
  if (rest.length === 0) return void add(acc, 'unparseable', `${name} ${verb} needs a container id or name.`);
  const sig = verb === 'kill' ? (signal ?? SIGNAL.KILL) : SIGNAL.TERM;
  for (const id of rest) {
    const procs = ctx.idx.snapshot.processes.filter((p) => p.owner.container !== null && id.length >= 4 && p.owner.container.id.startsWith(id));
    for (const p of procs.slice(0, 20)) target(acc, p);
    const init = procs.find((p) => p.namespaceInit) ?? procs[0];
    if (sig === SIGNAL.KILL) {
      add(acc, 'sigkill-before-sigterm', `${name} ${verb} ${id} SIGKILLs the container's processes with no cleanup. \`${name} stop ${id}\` sends SIGTERM first and waits.`);
      alt(acc, `${name} stop ${id}`);
    }
    add(acc, 'signal-to-container', `${name} ${verb} ${id}${init ? ` (init PID ${init.pid}, ${procs.length} process${procs.length === 1 ? '' : 'es'})` : ' (not seen in the snapshot; it may be named, not by id)'}: the container's service ends until started again; a restart policy may bring it back.`);
    if (init && sig !== SIGNAL.KILL && !init.signals?.caught.some((s) => parseSignal(s) === SIGNAL.TERM) && init.namespaceInit) {
      add(acc, 'signal-ignored', `The container's init ${init.comm} (PID ${init.pid}) does not catch SIGTERM, so \`${name} stop\` will wait for its timeout and then SIGKILL. Run the container with --init (tini) so it stops cleanly.`);
    }
  }
}

function judgeKubectl(args: readonly string[], acc: Acc): void {
  const positional = args.filter((a, i) => !a.startsWith('-') && !['-n', '--namespace', '-l', '--selector', '-o', '--output', '-c', '--container', '--context', '--kubeconfig'].includes(args[i - 1] ?? ''));
  const [verb, kind, ...names] = positional;
  const read = ['get', 'describe', 'logs', 'top', 'explain', 'version', 'api-resources', 'api-versions', 'cluster-info', 'events', 'diff', 'wait'];
  if (verb === undefined || read.includes(verb)) return readOnly(acc, `kubectl ${verb ?? ''}`.trim());
  // config and auth are groups: some of their verbs write (config set-context, auth reconcile).
  if ((verb === 'config' && ['view', 'get-contexts', 'current-context', 'get-clusters', 'get-users'].includes(kind ?? '')) || (verb === 'auth' && ['can-i', 'whoami'].includes(kind ?? ''))) return readOnly(acc, `kubectl ${verb} ${kind}`);
  if (verb === 'config' || verb === 'auth') return void add(acc, 'state-change', `kubectl ${verb} ${kind ?? ''} changes ${verb === 'config' ? 'the kubeconfig file (contexts, credentials)' : 'RBAC objects in the cluster'}.`);
  if (['exec', 'run', 'debug', 'attach', 'cp', 'port-forward', 'proxy'].includes(verb)) {
    add(acc, 'shell-indirection', `kubectl ${verb} runs or opens something inside the cluster, which this snapshot cannot judge.`);
    return;
  }
  if (verb === 'delete') {
    const broad = args.some((a) => ['--all', '-A', '--all-namespaces', '-l', '--selector'].includes(a) || a.startsWith('--selector=') || a.startsWith('--all'));
    const force = args.some((a) => a === '--force' || a === '--grace-period=0' || a === '--now');
    if (kind !== undefined && /^(ns|namespaces?|nodes?|no|pv|persistentvolumes?|pvc|persistentvolumeclaims?|crds?|customresourcedefinitions?)$/.test(kind)) {
      return void add(acc, 'destructive', `kubectl delete ${kind} removes a whole ${kind} and everything in it (or its data).`);
    }
    if (broad) add(acc, 'broad-match', `kubectl delete ${kind ?? ''} with a selector or --all hits every matching object. Name them.`);
    if (force) add(acc, 'sigkill-before-sigterm', 'kubectl delete --force / --grace-period=0 kills the pod without its grace period. Let the grace period run.');
    add(acc, 'signal-to-container', `kubectl delete ${kind ?? ''} ${names.join(' ')}: the pods are terminated; their controller (Deployment, StatefulSet) will create new ones.`);
    return;
  }
  add(acc, 'state-change', `kubectl ${verb} changes the cluster.`);
}

export const CONTAINER_COMMANDS: CommandTable = {
  ...each(['docker', 'podman', 'nerdctl'], ({ name, args, ctx, acc }) => judgeContainerCli(name, args, ctx, acc)),
  crictl: ({ args, acc }) => {
    const verb = args.find((a) => !a.startsWith('-'));
    if (verb === undefined || ['ps', 'pods', 'inspect', 'inspectp', 'logs', 'stats', 'images', 'info', 'version'].includes(verb)) return readOnly(acc, `crictl ${verb ?? ''}`.trim());
    if (verb === 'exec' || verb === 'run' || verb === 'runp') return void add(acc, 'shell-indirection', `crictl ${verb} runs a program inside a container, which this snapshot cannot judge.`);
    add(acc, 'signal-to-container', `crictl ${verb} acts on containers or pods; kubelet may recreate them.`);
  },
  ...each(['kubectl', 'oc'], ({ args, acc }) => judgeKubectl(args, acc)),
};
