// The titles are those of the benchmark as the docker-bench-security checks
// (which implement v1.6.0) print them.

package finding

import "strings"

// CISVersion is the one CIS Docker Benchmark the catalogue cites: the
// version the docker-bench-security checks implement.
const CISVersion = "CIS Docker Benchmark v1.6.0"

// CISItem is one recommendation of the benchmark.
type CISItem struct {
	ID    string
	Title string // as the benchmark words it
	// Short is the few words hardhull uses for it (sections 4 and 5).
	Short string
	// Manual is true for recommendations the benchmark scores by hand.
	Manual bool
}

// CISSections names the benchmark's sections and subsections.
var CISSections = map[string]string{
	"1":   "Host Configuration",
	"1.1": "Linux Hosts Specific Configuration",
	"1.2": "General Configuration",
	"2":   "Docker daemon configuration",
	"3":   "Docker daemon configuration files",
	"4":   "Container Images and Build File",
	"5":   "Container Runtime",
	"6":   "Docker Security Operations",
	"7":   "Docker Swarm Configuration",
}

// CIS is every recommendation of CIS Docker Benchmark v1.6.0, in order;
// every CIS id a rule cites must be one of them.
var CIS = []CISItem{
	{ID: "1.1.1", Title: "Ensure a separate partition for containers has been created"},
	{ID: "1.1.2", Title: "Ensure only trusted users are allowed to control Docker daemon"},
	{ID: "1.1.3", Title: "Ensure auditing is configured for the Docker daemon"},
	{ID: "1.1.4", Title: "Ensure auditing is configured for Docker files and directories -/run/containerd"},
	{ID: "1.1.5", Title: "Ensure auditing is configured for Docker files and directories - /var/lib/docker"},
	{ID: "1.1.6", Title: "Ensure auditing is configured for Docker files and directories - /etc/docker"},
	{ID: "1.1.7", Title: "Ensure auditing is configured for Docker files and directories - docker.service"},
	{ID: "1.1.8", Title: "Ensure auditing is configured for Docker files and directories - containerd.sock"},
	{ID: "1.1.9", Title: "Ensure auditing is configured for Docker files and directories - docker.socket"},
	{ID: "1.1.10", Title: "Ensure auditing is configured for Docker files and directories - /etc/default/docker"},
	{ID: "1.1.11", Title: "Ensure auditing is configured for Dockerfiles and directories - /etc/docker/daemon.json"},
	{ID: "1.1.12", Title: "Ensure auditing is configured for Dockerfiles and directories - /etc/containerd/config.toml"},
	{ID: "1.1.13", Title: "Ensure auditing is configured for Docker files and directories - /etc/sysconfig/docker"},
	{ID: "1.1.14", Title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd"},
	{ID: "1.1.15", Title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim"},
	{ID: "1.1.16", Title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v1"},
	{ID: "1.1.17", Title: "Ensure auditing is configured for Docker files and directories - /usr/bin/containerd-shim-runc-v2"},
	{ID: "1.1.18", Title: "Ensure auditing is configured for Docker files and directories - /usr/bin/runc"},
	{ID: "1.2.1", Title: "Ensure the container host has been Hardened", Manual: true},
	{ID: "1.2.2", Title: "Ensure that the version of Docker is up to date", Manual: true},
	{ID: "2.1", Title: "Run the Docker daemon as a non-root user, if possible", Manual: true},
	{ID: "2.2", Title: "Ensure network traffic is restricted between containers on the default bridge"},
	{ID: "2.3", Title: "Ensure the logging level is set to 'info'"},
	{ID: "2.4", Title: "Ensure Docker is allowed to make changes to iptables"},
	{ID: "2.5", Title: "Ensure insecure registries are not used"},
	{ID: "2.6", Title: "Ensure aufs storage driver is not used"},
	{ID: "2.7", Title: "Ensure TLS authentication for Docker daemon is configured"},
	{ID: "2.8", Title: "Ensure the default ulimit is configured appropriately", Manual: true},
	{ID: "2.9", Title: "Enable user namespace support"},
	{ID: "2.10", Title: "Ensure the default cgroup usage has been confirmed"},
	{ID: "2.11", Title: "Ensure base device size is not changed until needed"},
	{ID: "2.12", Title: "Ensure that authorization for Docker client commands is enabled"},
	{ID: "2.13", Title: "Ensure centralized and remote logging is configured"},
	{ID: "2.14", Title: "Ensure containers are restricted from acquiring new privileges"},
	{ID: "2.15", Title: "Ensure live restore is enabled"},
	{ID: "2.16", Title: "Ensure Userland Proxy is Disabled"},
	{ID: "2.17", Title: "Ensure that a daemon-wide custom seccomp profile is applied if appropriate", Manual: true},
	{ID: "2.18", Title: "Ensure that experimental features are not implemented in production"},
	{ID: "3.1", Title: "Ensure that the docker.service file ownership is set to root:root"},
	{ID: "3.2", Title: "Ensure that docker.service file permissions are appropriately set"},
	{ID: "3.3", Title: "Ensure that docker.socket file ownership is set to root:root"},
	{ID: "3.4", Title: "Ensure that docker.socket file permissions are set to 644 or more restrictive"},
	{ID: "3.5", Title: "Ensure that the /etc/docker directory ownership is set to root:root"},
	{ID: "3.6", Title: "Ensure that /etc/docker directory permissions are set to 755 or more restrictively"},
	{ID: "3.7", Title: "Ensure that registry certificate file ownership is set to root:root"},
	{ID: "3.8", Title: "Ensure that registry certificate file permissions are set to 444 or more restrictively"},
	{ID: "3.9", Title: "Ensure that TLS CA certificate file ownership is set to root:root"},
	{ID: "3.10", Title: "Ensure that TLS CA certificate file permissions are set to 444 or more restrictively"},
	{ID: "3.11", Title: "Ensure that Docker server certificate file ownership is set to root:root"},
	{ID: "3.12", Title: "Ensure that the Docker server certificate file permissions are set to 444 or more restrictively"},
	{ID: "3.13", Title: "Ensure that the Docker server certificate key file ownership is set to root:root"},
	{ID: "3.14", Title: "Ensure that the Docker server certificate key file permissions are set to 400"},
	{ID: "3.15", Title: "Ensure that the Docker socket file ownership is set to root:docker"},
	{ID: "3.16", Title: "Ensure that the Docker socket file permissions are set to 660 or more restrictively"},
	{ID: "3.17", Title: "Ensure that the daemon.json file ownership is set to root:root"},
	{ID: "3.18", Title: "Ensure that daemon.json file permissions are set to 644 or more restrictive"},
	{ID: "3.19", Title: "Ensure that the /etc/default/docker file ownership is set to root:root"},
	{ID: "3.20", Title: "Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively"},
	{ID: "3.21", Title: "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively"},
	{ID: "3.22", Title: "Ensure that the /etc/sysconfig/docker file ownership is set to root:root"},
	{ID: "3.23", Title: "Ensure that the Containerd socket file ownership is set to root:root"},
	{ID: "3.24", Title: "Ensure that the Containerd socket file permissions are set to 660 or more restrictively"},
	{ID: "4.1", Title: "Ensure that a user for the container has been created", Short: "user"},
	{ID: "4.2", Title: "Ensure that containers use only trusted base images", Short: "trusted base images", Manual: true},
	{ID: "4.3", Title: "Ensure that unnecessary packages are not installed in the container", Short: "unnecessary packages", Manual: true},
	{ID: "4.4", Title: "Ensure images are scanned and rebuilt to include security patches", Short: "scanned and rebuilt", Manual: true},
	{ID: "4.5", Title: "Ensure Content trust for Docker is Enabled", Short: "content trust"},
	{ID: "4.6", Title: "Ensure that HEALTHCHECK instructions have been added to container images", Short: "HEALTHCHECK"},
	{ID: "4.7", Title: "Ensure update instructions are not used alone in the Dockerfile", Short: "update alone", Manual: true},
	{ID: "4.8", Title: "Ensure setuid and setgid permissions are removed", Short: "setuid/setgid", Manual: true},
	{ID: "4.9", Title: "Ensure that COPY is used instead of ADD in Dockerfiles", Short: "COPY not ADD", Manual: true},
	{ID: "4.10", Title: "Ensure secrets are not stored in Dockerfiles", Short: "secrets", Manual: true},
	{ID: "4.11", Title: "Ensure only verified packages are installed", Short: "verified packages", Manual: true},
	{ID: "4.12", Title: "Ensure all signed artifacts are validated", Manual: true},
	{ID: "5.1", Title: "Ensure swarm mode is not Enabled, if not needed", Short: "swarm"},
	{ID: "5.2", Title: "Ensure that, if applicable, an AppArmor Profile is enabled", Short: "AppArmor"},
	{ID: "5.3", Title: "Ensure that, if applicable, SELinux security options are set", Short: "SELinux"},
	{ID: "5.4", Title: "Ensure that Linux kernel capabilities are restricted within containers", Short: "capabilities"},
	{ID: "5.5", Title: "Ensure that privileged containers are not used", Short: "privileged"},
	{ID: "5.6", Title: "Ensure sensitive host system directories are not mounted on containers", Short: "sensitive host dirs"},
	{ID: "5.7", Title: "Ensure sshd is not run within containers", Short: "sshd"},
	{ID: "5.8", Title: "Ensure privileged ports are not mapped within containers", Short: "privileged ports"},
	{ID: "5.9", Title: "Ensure that only needed ports are open on the container", Short: "only needed ports", Manual: true},
	{ID: "5.10", Title: "Ensure that the host's network namespace is not shared", Short: "host network"},
	{ID: "5.11", Title: "Ensure that the memory usage for containers is limited", Short: "memory"},
	{ID: "5.12", Title: "Ensure that CPU priority is set appropriately on containers", Short: "CPU"},
	{ID: "5.13", Title: "Ensure that the container's root filesystem is mounted as read only", Short: "read-only root"},
	{ID: "5.14", Title: "Ensure that incoming container traffic is bound to a specific host interface", Short: "bind to a host interface"},
	{ID: "5.15", Title: "Ensure that the 'on-failure' container restart policy is set to '5'", Short: "restart on-failure:5"},
	{ID: "5.16", Title: "Ensure that the host's process namespace is not shared", Short: "host PID"},
	{ID: "5.17", Title: "Ensure that the host's IPC namespace is not shared", Short: "host IPC"},
	{ID: "5.18", Title: "Ensure that host devices are not directly exposed to containers", Short: "host devices", Manual: true},
	{ID: "5.19", Title: "Ensure that the default ulimit is overwritten at runtime if needed", Short: "ulimits", Manual: true},
	{ID: "5.20", Title: "Ensure mount propagation mode is not set to shared", Short: "mount propagation"},
	{ID: "5.21", Title: "Ensure that the host's UTS namespace is not shared", Short: "host UTS"},
	{ID: "5.22", Title: "Ensure the default seccomp profile is not Disabled", Short: "seccomp"},
	{ID: "5.23", Title: "Ensure that docker exec commands are not used with the privileged option"},
	{ID: "5.24", Title: "Ensure that docker exec commands are not used with the user=root option", Manual: true},
	{ID: "5.25", Title: "Ensure that cgroup usage is confirmed", Short: "cgroup"},
	{ID: "5.26", Title: "Ensure that the container is restricted from acquiring additional privileges", Short: "no-new-privileges"},
	{ID: "5.27", Title: "Ensure that container health is checked at runtime", Short: "health"},
	{ID: "5.28", Title: "Ensure that Docker commands always make use of the latest version of their image", Short: "latest image", Manual: true},
	{ID: "5.29", Title: "Ensure that the PIDs cgroup limit is used", Short: "PIDs"},
	{ID: "5.30", Title: "Ensure that Docker's default bridge 'docker0' is not used", Short: "default bridge", Manual: true},
	{ID: "5.31", Title: "Ensure that the host's user namespaces are not shared", Short: "host user namespace"},
	{ID: "5.32", Title: "Ensure that the Docker socket is not mounted inside any containers", Short: "Docker socket"},
	{ID: "6.1", Title: "Ensure that image sprawl is avoided", Manual: true},
	{ID: "6.2", Title: "Ensure that container sprawl is avoided", Manual: true},
	{ID: "7.1", Title: "Ensure that the minimum number of manager nodes have been created in a swarm"},
	{ID: "7.2", Title: "Ensure that swarm services are bound to a specific host interface"},
	{ID: "7.3", Title: "Ensure that all Docker swarm overlay networks are encrypted"},
	{ID: "7.4", Title: "Ensure that Docker's secret management commands are used for managing secrets in a swarm cluster", Manual: true},
	{ID: "7.5", Title: "Ensure that swarm manager is run in auto-lock mode"},
	{ID: "7.6", Title: "Ensure that the swarm manager auto-lock key is rotated periodically", Manual: true},
	{ID: "7.7", Title: "Ensure that node certificates are rotated as appropriate", Manual: true},
	{ID: "7.8", Title: "Ensure that CA certificates are rotated as appropriate", Manual: true},
	{ID: "7.9", Title: "Ensure that management plane traffic is separated from data plane traffic", Manual: true},
}

var cisByID = func() map[string]*CISItem {
	m := make(map[string]*CISItem, len(CIS))
	for i := range CIS {
		m[CIS[i].ID] = &CIS[i]
	}
	return m
}()

// CISRecommendation returns the recommendation with the id, or nil.
func CISRecommendation(id string) *CISItem { return cisByID[strings.TrimSpace(id)] }

// OWASPItem is one risk of the OWASP Docker Top 10.
type OWASPItem struct{ ID, Title string }

// OWASP is the OWASP Docker Top 10, in order.
var OWASP = []OWASPItem{
	{"D01", "Secure User Mapping"},
	{"D02", "Patch Management Strategy"},
	{"D03", "Network Segmentation and Firewalling"},
	{"D04", "Secure Defaults and Hardening"},
	{"D05", "Maintain Security Contexts"},
	{"D06", "Protect Secrets"},
	{"D07", "Resource Protection"},
	{"D08", "Container Image Integrity and Origin"},
	{"D09", "Follow Immutable Paradigm"},
	{"D10", "Logging"},
}

// OWASPRisk returns the risk with the id, or nil.
func OWASPRisk(id string) *OWASPItem {
	for i := range OWASP {
		if OWASP[i].ID == strings.TrimSpace(id) {
			return &OWASP[i]
		}
	}
	return nil
}

// CISText renders ids with their titles: "5.4 (Ensure that Linux kernel
// capabilities are restricted within containers)".
func CISText(ids []string) string {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		if c := CISRecommendation(id); c != nil {
			parts = append(parts, id+" ("+c.Title+")")
		} else {
			parts = append(parts, id)
		}
	}
	return strings.Join(parts, ", ")
}

// OWASPText renders ids with their names: "D04 (Secure Defaults and Hardening)".
func OWASPText(ids []string) string {
	parts := make([]string, 0, len(ids))
	for _, id := range ids {
		if o := OWASPRisk(id); o != nil {
			parts = append(parts, id+" ("+o.Title+")")
		} else {
			parts = append(parts, id)
		}
	}
	return strings.Join(parts, ", ")
}
