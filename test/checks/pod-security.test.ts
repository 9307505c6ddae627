import {
  BASELINE_ALLOWED_SYSCTLS,
  checkPodSecurity,
  PodSecurityViolation,
} from '../../lib/checks/pod-security';

/** A pod spec that satisfies the restricted level: non-root, read-only root fs, drop ALL, RuntimeDefault seccomp. */
function restrictedPod(): any {
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    initContainers: [{
      name: 'migrate',
      image: 'registry.example/app:1.0',
      securityContext: hardenedContainer(),
    }],
    containers: [{
      name: 'app',
      image: 'registry.example/app:1.0',
      ports: [{ name: 'http', containerPort: 8080 }],
      securityContext: hardenedContainer(),
    }],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      { name: 'config', configMap: { name: 'app-config' } },
      { name: 'creds', secret: { secretName: 'app-creds' } },
    ],
  };
}

function hardenedContainer(): any {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}

/** A pod with no security settings at all: what most charts ship. */
function defaultPod(): any {
  return { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] };
}

function nodeExporterPod(): any {
  return {
    hostNetwork: true,
    hostPID: true,
    containers: [{
      name: 'node-exporter',
      image: 'quay.io/prometheus/node-exporter:v1.8.2',
      args: ['--path.rootfs=/host'],
      ports: [{ name: 'metrics', containerPort: 9100 }],
      volumeMounts: [{ name: 'root', mountPath: '/host', readOnly: true }],
    }],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  };
}

function checksOf(violations: PodSecurityViolation[]): string[] {
  return violations.map((v) => v.check);
}

function fieldsOf(violations: PodSecurityViolation[], check?: string): string[] {
  return violations.filter((v) => check === undefined || v.check === check).map((v) => v.field);
}

describe('checkPodSecurity: levels', () => {
  test('a fully hardened pod passes restricted and baseline', () => {
    // GIVEN a non-root pod that drops ALL, forbids privilege escalation and uses RuntimeDefault seccomp
    const spec = restrictedPod();

    // WHEN it is checked at restricted and at baseline
    const atRestricted = checkPodSecurity(spec, 'restricted');
    const atBaseline = checkPodSecurity(spec, 'baseline');

    // THEN there are no violations
    expect(atRestricted).toEqual([]);
    expect(atBaseline).toEqual([]);
  });

  test('privileged allows anything', () => {
    // GIVEN a pod that breaks nearly every rule
    const spec = nodeExporterPod();
    spec.containers[0].securityContext = { privileged: true, capabilities: { add: ['SYS_ADMIN'] }, runAsUser: 0 };

    // WHEN it is checked at privileged
    const violations = checkPodSecurity(spec, 'privileged', { 'container.apparmor.security.beta.kubernetes.io/node-exporter': 'unconfined' });

    // THEN there are no violations
    expect(violations).toEqual([]);
  });

  test('a default pod passes baseline but not restricted', () => {
    // GIVEN a container with no security settings
    const spec = defaultPod();

    // WHEN it is checked at both levels
    const atBaseline = checkPodSecurity(spec, 'baseline');
    const atRestricted = checkPodSecurity(spec, 'restricted');

    // THEN baseline admits it, and restricted lists the four missing hardening settings
    expect(atBaseline).toEqual([]);
    expect(checksOf(atRestricted)).toEqual([
      'allowPrivilegeEscalation', 'runAsNonRoot', 'seccompProfile_restricted', 'capabilities_restricted',
    ]);
    expect(atRestricted.every((v) => v.level === 'restricted')).toBe(true);
  });

  test('baseline level ignores restricted rules', () => {
    // GIVEN a pod whose only problems are restricted ones (root user, nfs volume, added CHOWN)
    const spec = restrictedPod();
    spec.securityContext.runAsUser = 0;
    spec.volumes.push({ name: 'share', nfs: { server: 'nfs.example', path: '/export' } });
    spec.containers[0].securityContext.capabilities.add = ['CHOWN'];

    // WHEN it is checked at baseline and at restricted
    const atBaseline = checkPodSecurity(spec, 'baseline');
    const atRestricted = checkPodSecurity(spec, 'restricted');

    // THEN baseline reports nothing and restricted reports all three
    expect(atBaseline).toEqual([]);
    expect(checksOf(atRestricted).sort()).toEqual(['capabilities_restricted', 'restrictedVolumes', 'runAsUser']);
  });

  test('restricted also applies every baseline rule', () => {
    // GIVEN an otherwise hardened pod that shares the host network
    const spec = restrictedPod();
    spec.hostIPC = true;

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN the baseline violation is reported with level baseline
    expect(violations).toEqual([expect.objectContaining({ level: 'baseline', check: 'hostNamespaces', field: 'spec.hostIPC' })]);
  });

  test('a node-exporter-like pod fails baseline and passes privileged', () => {
    // GIVEN a node agent with hostNetwork, hostPID, a hostPath volume and a container port
    const spec = nodeExporterPod();

    // WHEN it is checked at baseline and privileged
    const atBaseline = checkPodSecurity(spec, 'baseline');
    const atPrivileged = checkPodSecurity(spec, 'privileged');

    // THEN baseline lists every host access, including the hostPort the API server defaults from hostNetwork
    expect(atBaseline.map((v) => [v.check, v.field])).toEqual([
      ['hostNamespaces', 'spec.hostNetwork'],
      ['hostNamespaces', 'spec.hostPID'],
      ['hostPathVolumes', 'spec.volumes[root].hostPath'],
      ['hostPorts', 'spec.containers[node-exporter].ports[0].hostPort'],
    ]);
    expect(atBaseline[2].message).toBe('The volume "root" mounts the node path "/" (hostPath).');
    expect(atBaseline[3].message).toContain('hostPort to the containerPort');
    expect(atPrivileged).toEqual([]);
  });

  test('an unknown level is rejected', () => {
    // GIVEN a level name that PSA does not know
    const level = 'strict' as any;

    // WHEN / THEN checking throws with the valid choices
    expect(() => checkPodSecurity(restrictedPod(), level)).toThrow(/expected privileged, baseline or restricted/);
  });

  test('a missing or malformed spec does not throw', () => {
    // GIVEN no pod spec, and a spec whose lists are not lists
    const malformed = { containers: 'nope', volumes: {}, securityContext: 'x' };

    // WHEN they are checked
    const none = checkPodSecurity(undefined, 'restricted');
    const bad = checkPodSecurity(malformed, 'restricted');

    // THEN there is nothing to report
    expect(none).toEqual([]);
    expect(bad).toEqual([]);
  });

  test('the input is not modified', () => {
    // GIVEN a pod spec with violations
    const spec = nodeExporterPod();
    const before = JSON.stringify(spec);

    // WHEN it is checked
    checkPodSecurity(spec, 'restricted');

    // THEN the spec is unchanged (no defaulting is written back)
    expect(JSON.stringify(spec)).toBe(before);
  });
});

describe('checkPodSecurity: baseline checks', () => {
  test('windowsHostProcess: hostProcess=true at pod or container level is forbidden', () => {
    // GIVEN a pod and a container that set hostProcess
    const spec = defaultPod();
    spec.securityContext = { windowsOptions: { hostProcess: true } };
    spec.containers[0].securityContext = { windowsOptions: { hostProcess: true } };

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN both settings are reported
    expect(fieldsOf(violations, 'windowsHostProcess')).toEqual([
      'spec.securityContext.windowsOptions.hostProcess',
      'spec.containers[app].securityContext.windowsOptions.hostProcess',
    ]);
  });

  test('windowsHostProcess: hostProcess=false is allowed', () => {
    // GIVEN a pod that sets hostProcess=false
    const spec = defaultPod();
    spec.securityContext = { windowsOptions: { hostProcess: false, runAsUserName: 'ContainerUser' } };

    // WHEN / THEN baseline admits it
    expect(checkPodSecurity(spec, 'baseline')).toEqual([]);
  });

  test('hostNamespaces: hostIPC=true is forbidden, false is allowed', () => {
    // GIVEN one pod sharing the host IPC namespace and one setting all host namespaces to false
    const bad = { ...defaultPod(), hostIPC: true };
    const good = { ...defaultPod(), hostIPC: false, hostPID: false, hostNetwork: false };

    // WHEN they are checked at baseline
    const violations = checkPodSecurity(bad, 'baseline');

    // THEN only the sharing pod fails, with a fix that names the field
    expect(violations).toEqual([{
      level: 'baseline',
      check: 'hostNamespaces',
      field: 'spec.hostIPC',
      message: "The pod sets hostIPC=true and shares the node's IPC namespace.",
      fix: 'Remove spec.hostIPC (or set it to false), or run the pod in a namespace whose enforce level is privileged.',
    }]);
    expect(checkPodSecurity(good, 'baseline')).toEqual([]);
  });

  test('privileged: privileged=true is forbidden on any container kind, false is allowed', () => {
    // GIVEN a privileged ephemeral container next to an explicitly unprivileged app container
    const spec = defaultPod();
    spec.containers[0].securityContext = { privileged: false };
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }];

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN only the ephemeral container is reported, named by its name
    expect(violations).toEqual([expect.objectContaining({
      check: 'privileged',
      field: 'spec.ephemeralContainers[debug].securityContext.privileged',
      message: 'The ephemeral container "debug" sets privileged=true, which disables most container isolation.',
    })]);
  });

  test('capabilities_baseline: adding capabilities beyond the default set is forbidden', () => {
    // GIVEN an init container adding SYS_ADMIN and NET_RAW next to an allowed CHOWN
    const spec = defaultPod();
    spec.initContainers = [{ name: 'setup', image: 'busybox', securityContext: { capabilities: { add: ['CHOWN', 'SYS_ADMIN', 'NET_RAW'] } } }];

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN the two non-default capabilities are reported on the init container's add list
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      level: 'baseline',
      check: 'capabilities_baseline',
      field: 'spec.initContainers[setup].securityContext.capabilities.add',
      message: 'The init container "setup" adds "SYS_ADMIN", "NET_RAW", beyond the default capability set.',
    });
    expect(violations[0].fix).toContain('Remove "SYS_ADMIN", "NET_RAW"');
  });

  test('capabilities_baseline: capabilities from the default set are allowed', () => {
    // GIVEN a container adding only default-set capabilities
    const spec = defaultPod();
    spec.containers[0].securityContext = { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'SETGID', 'KILL'] } };

    // WHEN / THEN baseline admits it
    expect(checkPodSecurity(spec, 'baseline')).toEqual([]);
  });

  test('hostPathVolumes: hostPath is forbidden, other volume types are allowed at baseline', () => {
    // GIVEN a hostPath volume next to an nfs volume (nfs is only restricted-level forbidden)
    const spec = defaultPod();
    spec.volumes = [
      { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'share', nfs: { server: 'nfs.example', path: '/' } },
    ];

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN only the hostPath volume is reported
    expect(violations).toEqual([expect.objectContaining({
      check: 'hostPathVolumes',
      field: 'spec.volumes[logs].hostPath',
      message: 'The volume "logs" mounts the node path "/var/log" (hostPath).',
    })]);
  });

  test('hostPorts: a non-zero hostPort is forbidden, 0 or unset is allowed', () => {
    // GIVEN a container with one host-bound port and two plain ports
    const spec = defaultPod();
    spec.containers[0].ports = [
      { containerPort: 80 },
      { containerPort: 443, hostPort: 8443 },
      { containerPort: 9090, hostPort: 0 },
    ];

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN only the bound port is reported, with its value
    expect(violations).toEqual([expect.objectContaining({
      check: 'hostPorts',
      field: 'spec.containers[app].ports[1].hostPort',
      message: 'The container "app" binds host port 8443.',
    })]);
  });

  test('hostPorts: with hostNetwork, container ports become host ports', () => {
    // GIVEN a hostNetwork pod whose init and app containers declare ports without hostPort
    const spec = { ...defaultPod(), hostNetwork: true };
    spec.containers[0].ports = [{ containerPort: 8080 }];
    (spec as any).initContainers = [{ name: 'init', image: 'busybox', ports: [{ containerPort: 8081 }] }];

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN both defaulted host ports are reported besides hostNetwork itself
    expect(fieldsOf(violations, 'hostPorts')).toEqual([
      'spec.initContainers[init].ports[0].hostPort',
      'spec.containers[app].ports[0].hostPort',
    ]);
  });

  test('appArmorProfile: the unconfined annotation is forbidden, runtime/default and localhost/* are allowed', () => {
    // GIVEN annotations for three containers
    const annotations = {
      'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
      'container.apparmor.security.beta.kubernetes.io/sidecar': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/agent': 'localhost/k8s-agent',
      'example.com/unrelated': 'unconfined',
    };

    // WHEN the pod is checked at baseline with them
    const violations = checkPodSecurity(defaultPod(), 'baseline', annotations);

    // THEN only the unconfined AppArmor annotation is reported, with the annotation as the field
    expect(violations).toEqual([{
      level: 'baseline',
      check: 'appArmorProfile',
      field: "metadata.annotations['container.apparmor.security.beta.kubernetes.io/app']",
      message: 'The annotation container.apparmor.security.beta.kubernetes.io/app sets the AppArmor profile "unconfined".',
      fix: 'Set the annotation to "runtime/default" or "localhost/<profile>", or remove it.',
    }]);
  });

  test('appArmorProfile: the Unconfined profile type field is forbidden, RuntimeDefault and Localhost are allowed', () => {
    // GIVEN a pod-level RuntimeDefault profile and one container overriding it with Unconfined
    const spec = defaultPod();
    spec.securityContext = { appArmorProfile: { type: 'RuntimeDefault' } };
    spec.containers.push({ name: 'tool', image: 'busybox', securityContext: { appArmorProfile: { type: 'Unconfined' } } });
    spec.containers[0].securityContext = { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-app' } };

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN only the Unconfined container is reported
    expect(violations).toEqual([expect.objectContaining({
      check: 'appArmorProfile',
      field: 'spec.containers[tool].securityContext.appArmorProfile.type',
    })]);
    expect(violations[0].message).toContain('"Unconfined"');
  });

  test('seLinuxOptions: custom types, users and roles are forbidden', () => {
    // GIVEN a pod with a custom type and a container with a custom user and role
    const spec = defaultPod();
    spec.securityContext = { seLinuxOptions: { type: 'spc_t' } };
    spec.containers[0].securityContext = { seLinuxOptions: { user: 'system_u', role: 'system_r' } };

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN each forbidden option is reported on its own field
    expect(fieldsOf(violations, 'seLinuxOptions')).toEqual([
      'spec.securityContext.seLinuxOptions.type',
      'spec.containers[app].securityContext.seLinuxOptions.user',
      'spec.containers[app].securityContext.seLinuxOptions.role',
    ]);
    expect(violations[0].message).toBe('The pod sets the SELinux type "spc_t".');
  });

  test('seLinuxOptions: allowed types and a level are allowed', () => {
    // GIVEN SELinux options using only allowed types and an MCS level
    const spec = defaultPod();
    spec.securityContext = { seLinuxOptions: { level: 's0:c123,c456' } };
    spec.containers[0].securityContext = { seLinuxOptions: { type: 'container_t' } };
    spec.containers.push({ name: 'vm', image: 'kubevirt', securityContext: { seLinuxOptions: { type: 'container_kvm_t' } } });

    // WHEN / THEN baseline admits it
    expect(checkPodSecurity(spec, 'baseline')).toEqual([]);
  });

  test('procMount: Unmasked is forbidden, Default is allowed', () => {
    // GIVEN one container with an unmasked /proc and one with the default
    const spec = defaultPod();
    spec.containers[0].securityContext = { procMount: 'Unmasked' };
    spec.containers.push({ name: 'ok', image: 'busybox', securityContext: { procMount: 'Default' } });

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN only the unmasked container is reported
    expect(violations).toEqual([expect.objectContaining({
      check: 'procMount',
      field: 'spec.containers[app].securityContext.procMount',
      message: 'The container "app" sets procMount "Unmasked", which removes the default /proc masks.',
    })]);
  });

  test('seccompProfile_baseline: Unconfined is forbidden at pod and container level', () => {
    // GIVEN an Unconfined pod profile and an Unconfined container profile
    const spec = defaultPod();
    spec.securityContext = { seccompProfile: { type: 'Unconfined' } };
    spec.containers[0].securityContext = { seccompProfile: { type: 'Unconfined' } };

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN both are reported
    expect(fieldsOf(violations, 'seccompProfile_baseline')).toEqual([
      'spec.securityContext.seccompProfile.type',
      'spec.containers[app].securityContext.seccompProfile.type',
    ]);
  });

  test('seccompProfile_baseline: an unset profile, RuntimeDefault and Localhost are allowed', () => {
    // GIVEN one container without a profile, one with RuntimeDefault, one with Localhost
    const spec = defaultPod();
    spec.containers.push(
      { name: 'rd', image: 'busybox', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
      { name: 'lh', image: 'busybox', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } },
    );

    // WHEN / THEN baseline admits it
    expect(checkPodSecurity(spec, 'baseline')).toEqual([]);
  });

  test('sysctls: the v1.27 safe set is allowed', () => {
    // GIVEN every sysctl of the v1.27 safe set, including ip_local_reserved_ports (added in 1.27)
    const spec = defaultPod();
    spec.securityContext = { sysctls: BASELINE_ALLOWED_SYSCTLS.map((name) => ({ name, value: '1' })) };

    // WHEN / THEN baseline admits it
    expect(BASELINE_ALLOWED_SYSCTLS).toContain('net.ipv4.ip_local_reserved_ports');
    expect(checkPodSecurity(spec, 'baseline')).toEqual([]);
  });

  test('sysctls: unsafe sysctls, and those only allowed by later policy versions, are forbidden', () => {
    // GIVEN an unsafe sysctl and tcp_keepalive_time (safe only from policy v1.29)
    const spec = defaultPod();
    spec.securityContext = { sysctls: [
      { name: 'net.ipv4.tcp_syncookies', value: '1' },
      { name: 'net.core.somaxconn', value: '1024' },
      { name: 'net.ipv4.tcp_keepalive_time', value: '300' },
    ] };

    // WHEN it is checked at baseline
    const violations = checkPodSecurity(spec, 'baseline');

    // THEN both non-v1.27 sysctls are reported by name
    expect(fieldsOf(violations, 'sysctls')).toEqual([
      'spec.securityContext.sysctls[net.core.somaxconn]',
      'spec.securityContext.sysctls[net.ipv4.tcp_keepalive_time]',
    ]);
    expect(violations[0].message).toBe('The pod sets the sysctl "net.core.somaxconn", which is not in the safe set.');
  });
});

describe('checkPodSecurity: restricted checks', () => {
  test('restrictedVolumes: non-core volume types are forbidden', () => {
    // GIVEN a hardened pod with an nfs and a gitRepo volume
    const spec = restrictedPod();
    spec.volumes.push(
      { name: 'share', nfs: { server: 'nfs.example', path: '/export' } },
      { name: 'src', gitRepo: { repository: 'https://git.example/repo.git' } },
    );

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN both volumes are reported with their type
    expect(fieldsOf(violations, 'restrictedVolumes')).toEqual(['spec.volumes[share].nfs', 'spec.volumes[src].gitRepo']);
    expect(violations[0].message).toBe('The volume "share" uses the restricted volume type "nfs".');
  });

  test('restrictedVolumes: the eight allowed types, and a source-less volume, are allowed', () => {
    // GIVEN one volume of every allowed type plus one with no source (defaulted to emptyDir by the API server)
    const spec = restrictedPod();
    spec.volumes = [
      { name: 'a', configMap: { name: 'cm' } },
      { name: 'b', csi: { driver: 'secrets-store.csi.k8s.io' } },
      { name: 'c', downwardAPI: { items: [] } },
      { name: 'd', emptyDir: { medium: 'Memory' } },
      { name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'f', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'g', projected: { sources: [] } },
      { name: 'h', secret: { secretName: 's' } },
      { name: 'i' },
    ];

    // WHEN / THEN restricted admits it
    expect(checkPodSecurity(spec, 'restricted')).toEqual([]);
  });

  test('restrictedVolumes: a hostPath volume is reported once, as the baseline violation', () => {
    // GIVEN a hardened pod with a hostPath volume
    const spec = restrictedPod();
    spec.volumes.push({ name: 'sock', hostPath: { path: '/run/containerd/containerd.sock' } });

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN a single baseline hostPathVolumes violation is reported
    expect(violations).toEqual([expect.objectContaining({ level: 'baseline', check: 'hostPathVolumes', field: 'spec.volumes[sock].hostPath' })]);
  });

  test('allowPrivilegeEscalation: unset or true is forbidden', () => {
    // GIVEN one container leaving it unset and one setting it to true
    const spec = restrictedPod();
    delete spec.containers[0].securityContext.allowPrivilegeEscalation;
    spec.initContainers[0].securityContext.allowPrivilegeEscalation = true;

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN both are reported, the unset one explaining the default
    expect(violations.map((v) => [v.field, v.message])).toEqual([
      ['spec.initContainers[migrate].securityContext.allowPrivilegeEscalation', 'The init container "migrate" sets allowPrivilegeEscalation=true.'],
      ['spec.containers[app].securityContext.allowPrivilegeEscalation', 'The container "app" does not set allowPrivilegeEscalation; it defaults to true.'],
    ]);
    expect(violations[0].fix).toBe('Set securityContext.allowPrivilegeEscalation: false on the container.');
  });

  test('allowPrivilegeEscalation, seccomp and drop ALL are not required of Windows pods', () => {
    // GIVEN a Windows pod that runs as non-root but sets none of the Linux-only fields
    const spec = {
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } },
      containers: [{ name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis' }],
    };

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN it passes (PSA v1.25+ exempts Windows pods from these three checks)
    expect(violations).toEqual([]);
  });

  test('runAsNonRoot: true at pod level covers every container', () => {
    // GIVEN a hardened pod where only the pod sets runAsNonRoot
    const spec = restrictedPod();

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN there is no runAsNonRoot violation
    expect(checksOf(violations)).not.toContain('runAsNonRoot');
  });

  test('runAsNonRoot: a container-level false overrides a pod-level true', () => {
    // GIVEN runAsNonRoot=true at pod level and false on the app container
    const spec = restrictedPod();
    spec.containers[0].securityContext.runAsNonRoot = false;

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN the container is reported
    expect(violations).toEqual([expect.objectContaining({
      level: 'restricted',
      check: 'runAsNonRoot',
      field: 'spec.containers[app].securityContext.runAsNonRoot',
      message: 'The container "app" sets runAsNonRoot=false, overriding the pod-level setting.',
    })]);
  });

  test('runAsNonRoot: without a pod-level setting every container must set it', () => {
    // GIVEN no pod-level runAsNonRoot, the init container setting it, the app container not
    const spec = restrictedPod();
    delete spec.securityContext.runAsNonRoot;
    spec.initContainers[0].securityContext.runAsNonRoot = true;

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN only the app container is reported, with a fix offering pod or container level
    expect(violations).toEqual([expect.objectContaining({ check: 'runAsNonRoot', field: 'spec.containers[app].securityContext.runAsNonRoot' })]);
    expect(violations[0].fix).toContain('spec.securityContext.runAsNonRoot: true');
  });

  test('runAsNonRoot: a pod-level false is one violation, not one per container', () => {
    // GIVEN runAsNonRoot=false at pod level and nothing on the containers
    const spec = restrictedPod();
    spec.securityContext.runAsNonRoot = false;

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN the pod-level field is the one reported
    expect(fieldsOf(violations)).toEqual(['spec.securityContext.runAsNonRoot']);
  });

  test('runAsUser: 0 is forbidden at pod and container level, even with runAsNonRoot', () => {
    // GIVEN runAsUser=0 on the pod and on the init container
    const spec = restrictedPod();
    spec.securityContext.runAsUser = 0;
    spec.initContainers[0].securityContext.runAsUser = 0;

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN both are reported
    expect(fieldsOf(violations, 'runAsUser')).toEqual([
      'spec.securityContext.runAsUser',
      'spec.initContainers[migrate].securityContext.runAsUser',
    ]);
  });

  test('runAsUser: non-zero or unset is allowed', () => {
    // GIVEN a container overriding the pod UID with another non-zero UID, and a pod without runAsUser
    const spec = restrictedPod();
    spec.containers[0].securityContext.runAsUser = 1000;
    const unset = restrictedPod();
    delete unset.securityContext.runAsUser;

    // WHEN / THEN restricted admits both
    expect(checkPodSecurity(spec, 'restricted')).toEqual([]);
    expect(checkPodSecurity(unset, 'restricted')).toEqual([]);
  });

  test('seccompProfile_restricted: without a pod-level profile every container must set one', () => {
    // GIVEN no pod-level seccomp profile, the init container using Localhost, the app container nothing
    const spec = restrictedPod();
    delete spec.securityContext.seccompProfile;
    spec.initContainers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN the app container is reported
    expect(violations).toEqual([expect.objectContaining({
      level: 'restricted',
      check: 'seccompProfile_restricted',
      field: 'spec.containers[app].securityContext.seccompProfile.type',
      message: 'Neither the pod nor the container "app" sets a seccomp profile.',
    })]);
  });

  test('seccompProfile_restricted: a container-level Unconfined is reported once, by the baseline check', () => {
    // GIVEN a pod-level RuntimeDefault overridden by Unconfined on the app container
    const spec = restrictedPod();
    spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN a single baseline violation names the container field
    expect(violations).toEqual([expect.objectContaining({
      level: 'baseline',
      check: 'seccompProfile_baseline',
      field: 'spec.containers[app].securityContext.seccompProfile.type',
    })]);
  });

  test('capabilities_restricted: every container must drop ALL', () => {
    // GIVEN one container that drops nothing and one that drops lower-case "all" and NET_RAW
    const spec = restrictedPod();
    delete spec.initContainers[0].securityContext.capabilities;
    spec.containers[0].securityContext.capabilities = { drop: ['all', 'NET_RAW'] };

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN both are reported on the drop list
    expect(violations.map((v) => [v.check, v.field, v.message])).toEqual([
      ['capabilities_restricted', 'spec.initContainers[migrate].securityContext.capabilities.drop', 'The init container "migrate" does not drop all capabilities.'],
      ['capabilities_restricted', 'spec.containers[app].securityContext.capabilities.drop', 'The container "app" drops "all", "NET_RAW" but not "ALL".'],
    ]);
  });

  test('capabilities_restricted: only NET_BIND_SERVICE may be added', () => {
    // GIVEN a container adding NET_BIND_SERVICE (allowed), CHOWN (baseline-only) and SYS_ADMIN (never)
    const spec = restrictedPod();
    spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN'];

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN SYS_ADMIN is a baseline violation and CHOWN a restricted one, each reported once
    expect(violations.map((v) => [v.level, v.check, v.message])).toEqual([
      ['baseline', 'capabilities_baseline', 'The container "app" adds "SYS_ADMIN", beyond the default capability set.'],
      ['restricted', 'capabilities_restricted', 'The container "app" adds "CHOWN".'],
    ]);
  });

  test('capabilities_restricted: drop ALL with NET_BIND_SERVICE added is allowed', () => {
    // GIVEN a hardened container that binds a low port
    const spec = restrictedPod();
    spec.containers[0].securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };

    // WHEN / THEN restricted admits it
    expect(checkPodSecurity(spec, 'restricted')).toEqual([]);
  });

  test('ephemeral containers are held to the restricted rules too', () => {
    // GIVEN a hardened pod with a debug ephemeral container that sets nothing
    const spec = restrictedPod();
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', targetContainerName: 'app' }];

    // WHEN it is checked at restricted
    const violations = checkPodSecurity(spec, 'restricted');

    // THEN the ephemeral container gets the per-container violations, named by its name
    expect(fieldsOf(violations)).toEqual([
      'spec.ephemeralContainers[debug].securityContext.allowPrivilegeEscalation',
      'spec.ephemeralContainers[debug].securityContext.capabilities.drop',
    ]);
  });
});
