import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);

describe('containers: docker, podman, crictl, kubectl', () => {
  test.each(['docker ps', 'docker ps -a', 'podman inspect abc123', 'docker logs abc123', 'docker image ls', 'crictl ps', 'kubectl get pods -A', 'kubectl config view', 'kubectl auth can-i get pods'])('%s only reads', (command) => {
    expect(ids(command)).toEqual(['read-only']);
  });

  test('stopping a container is judged against its processes: its init does not catch SIGTERM', () => {
    const verdict = check('docker stop abc123def456');
    expect(verdict.decision).toBe('confirm');
    expect(verdict.rules.map((r) => r.id)).toEqual(['signal-to-container', 'signal-ignored']);
    expect(verdict.targets.map((t) => t.pid)).toEqual([900, 901]);
  });

  test('docker kill SIGKILLs: docker stop is offered', () => {
    const verdict = check('docker kill abc123def456');
    expect(verdict.rules.map((r) => r.id)).toContain('sigkill-before-sigterm');
    expect(verdict.alternatives).toEqual(['docker stop abc123def456']);
  });

  test.each(['docker exec abc123 sh', 'podman run --rm alpine reboot', 'kubectl exec pod -- kill 1', 'crictl exec x sh'])('%s runs a program inside, which is not judged here: denied', (command) => {
    expect(ids(command)).toEqual(['shell-indirection']);
  });

  test.each(['docker volume rm data', 'docker system prune -af', 'kubectl delete ns prod', 'kubectl delete pv data'])('%s destroys data: denied', (command) => {
    expect(ids(command)).toContain('destructive');
  });

  test.each(['kubectl config set-context prod', 'kubectl config use-context prod', 'kubectl auth reconcile -f rbac.yaml', 'kubectl apply -f x.yaml', 'docker network rm n'])('%s writes: confirmed', (command) => {
    expect(check(command).decision).toBe('confirm');
  });
});
