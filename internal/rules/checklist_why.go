package rules

// checklistWhy says, per rule and checklist key, why the rule's findings
// bear on that item of the seed's Security Checklist; the key "" says why a
// rule feeds no item. register copies it into finding.Rule.ChecklistWhy
// (a rule may also set ChecklistWhy itself), and Validate requires a
// reason for every mapping. Kept in one table so the mappings can be
// reviewed side by side.
var checklistWhy = map[string]map[string]string{
	// Compose services.
	"DC001": {"runtime.capabilities": "privileged: true grants every capability and all host devices, the opposite of dropping them"},
	"DC002": {"runtime.capabilities": "cap_drop: [ALL] is how the item is done; without it the service keeps Docker's default set"},
	"DC003": {"runtime.capabilities": "cap_add of SYS_ADMIN, NET_ADMIN and the like adds back what the item asks to drop"},
	"DC004": {"runtime.capabilities": "without no-new-privileges a setuid binary regains the privileges the dropped capabilities removed"},
	"DC005": {"runtime.read-only": "read_only: true is the item itself for a compose service"},
	"DC006": {"runtime.read-only": "a read-only root without a tmpfs for /tmp breaks most apps, which is what gets read_only removed again"},
	"DC007": {"runtime.resource-limits": "memory, CPU and pids limits are the item itself for a compose service"},
	"DC008": {"runtime.health-checks": "a compose healthcheck is how a service from a prebuilt image gets a health check"},
	"DC010": {"runtime.non-root": "user: root overrides a non-root USER of the image"},
	"DC011": {"runtime.network-isolation": "a published datastore port reaches the database from outside the project's networks"},
	"DC012": {"runtime.network-isolation": "a port published on 0.0.0.0 is reachable from every network the host is on"},
	"DC013": {"runtime.network-isolation": "a shared host namespace (network first of all) removes the container's isolation from the host"},
	"DC014": {"runtime.capabilities": "the Docker socket lets the container start privileged containers: root on the host whatever it dropped"},
	"DC015": {"runtime.capabilities": "/, /etc, /proc or /var/lib/docker mounted in gives the container root's reach into the host, which dropping privileges is meant to take away"},
	"DC016": {"runtime.network-isolation": "the seed's isolation is a datastore on an internal network only the app shares"},
	"DC017": {"runtime.capabilities": "seccomp and AppArmor confine what the remaining capabilities and syscalls can do; unconfined removes that layer"},
	"DC018": {
		"secrets.no-hardcoded": "a literal secret in the compose environment is a hardcoded secret",
		"secrets.injected":     "a literal value is the opposite of a secret injected from the environment or a Docker secret",
	},
	"DC019": {
		"runtime.debug-disabled": "DEBUG/ENVIRONMENT values and dev-server commands in the service are the item itself",
		"secrets.not-exposed":    "debug modes send tracebacks with settings and secrets to clients",
	},
	"DC020": {"runtime.resource-limits": "advisory: restart: always (or none) decides what a crash loop costs the host (CIS 5.15 caps restarts for that reason); it goes beyond the limits the item asks for"},
	"DC027": {"": "how the file was read (a legacy v1 format converted for the audit), not a practice of the checklist"},
	"DC028": {"runtime.debug-disabled": "a debugger or an unauthenticated control API is debug tooling left reachable in production", "runtime.network-isolation": "publishing it on the host's interfaces exposes it beyond the project's networks"},
	"DC029": {"runtime.network-isolation": "a database admin UI published on the host reaches the datastore from outside the project's networks"},
	"DC030": {"runtime.capabilities": "SELinux labeling off removes a confinement layer, as unconfined seccomp or AppArmor does (CIS 5.3)"},
	"DC031": {"": "a file compose never reads is a fact about the project's files, not a practice of the checklist"},
	"DC021": {"runtime.capabilities": "a host device node is a privilege beyond the default set, like an added capability"},
	"DC024": {"build.pinned-versions": "an untagged or :latest service image is an unpinned image version"},
	"DC025": {"": "the registry an image comes from is its origin, not its version; CIS 4.2 and OWASP D08 carry it"},
	"DC026": {"runtime.capabilities": "shared propagation lets mounts made in the container reach the host's mount table, a privilege beyond what the app needs"},

	// Dockerfiles.
	"DF001": {"runtime.non-root": "the USER the shipped stage ends with is the user the container runs as"},
	"DF002": {"build.pinned-versions": "FROM without a tag takes whatever latest is at build time"},
	"DF003": {"build.pinned-versions": "FROM :latest is a moving, unpinned version"},
	"DF004": {"build.pinned-versions": "advisory: a digest pins the bytes, beyond the pinned tag the item asks for"},
	"DF005": {"build.slim-base": "the shipped stage's base is the base image the item is about"},
	"DF006": {"build.slim-base": "Alpine is the seed's caveat to slim bases: musl wheels compile from source and pull compilers in"},
	"DF007": {"build.multi-stage": "compilers kept in the shipped stage are exactly what a multi-stage build keeps out"},
	"DF008": {
		"build.no-secrets":     "a secret value in ENV or ARG is stored in the Dockerfile and the image",
		"secrets.no-hardcoded": "a literal secret value is a hardcoded secret",
		"secrets.injected":     "a baked-in value is the opposite of a secret injected at run time",
	},
	"DF009": {
		"build.no-secrets":     "a credential in RUN, or a secret ARG used by RUN, lands in the image history",
		"secrets.no-hardcoded": "a literal credential on a command line is hardcoded",
		"secrets.injected":     "a build secret belongs in a secret mount (RUN --mount=type=secret), which this rule also recognises",
	},
	"DF010": {
		"secrets.no-env-files": "a .env file copied into the image is the item itself",
		"build.no-secrets":     ".env files hold secrets, which then ship with the image",
	},
	"DF011": {
		"build.no-secrets":     "a key file or a file with secret content copied in ships the secret with the image",
		"secrets.no-hardcoded": "secret content in copied source files is hardcoded",
	},
	"DF012": {"": "ADD of a local file copies it as COPY would; the risk (unpacking, remote fetches) is CIS 4.9's, not a checklist item's"},
	"DF013": {"": "a piped install script is an unverified download (CIS 4.11, OWASP D08); no checklist item is about verifying downloads, and pinned image versions are about FROM"},
	"DF014": {"build.slim-base": "recommended packages are the unneeded weight a slim base is chosen to avoid"},
	"DF015": {"build.slim-base": "apt lists left in a layer are dead weight in the shipped image"},
	"DF016": {"build.slim-base": "pip's cache left in a layer is dead weight in the shipped image"},
	"DF017": {"": "shell-form CMD keeps signals from the app (clean stops), which no checklist item covers; health checks are about liveness probes"},
	"DF018": {"runtime.network-isolation": "EXPOSE 22 or a privileged port advertises sshd or a root-bound service to the networks the container joins"},
	"DF019": {"runtime.health-checks": "HEALTHCHECK in the image (or a compose healthcheck on the services that build it) is the item itself"},
	"DF020": {"runtime.health-checks": "HEALTHCHECK NONE switches the base image's health check off"},
	"DF021": {
		"runtime.debug-disabled": "DEBUG=true or a development ENVIRONMENT baked into the image is the item itself",
		"secrets.not-exposed":    "debug modes send tracebacks with settings and secrets to clients",
	},
	"DF022": {"runtime.debug-disabled": "--reload and `fastapi dev` are development servers"},
	"DF027": {"runtime.debug-disabled": "a debug agent (JDWP, debugpy, --inspect, Delve) in the image's command is debug mode at its most dangerous"},
	"DF023": {"runtime.network-isolation": "the seed's network section terminates TLS at a proxy; behind it the app must take scheme and client address from the proxy"},
	"DF024": {"": "PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED are hygiene (no .pyc writes, prompt logs); Python runs under a read-only root without them and debug is not involved"},
	"DF025": {"": "the registry an image comes from is its origin, not its version; CIS 4.2 and OWASP D08 carry it"},

	// Build contexts.
	"DI001": {"build.dockerignore": "a context copied without any .dockerignore sends everything, sensitive files included"},
	"DI002": {"build.dockerignore": "a sensitive file the .dockerignore lets through is what the item is about"},
	"DI003": {"build.dockerignore": "a pattern that matches only at the root lets nested sensitive files through"},
	"DI004": {"build.dockerignore": ".git is on the seed's list of what .dockerignore must exclude"},

	// Built images.
	"IM001": {"runtime.non-root": "the image's configured User is what containers run as"},
	"IM002": {"runtime.non-root": "a User missing from /etc/passwd fails at start, which is how non-root users get removed again"},
	"IM003": {
		"build.no-secrets":     "a secret in the image's Env ships with the image",
		"secrets.no-hardcoded": "a secret value in the image config is hardcoded",
	},
	"IM004": {
		"build.no-secrets":     "build arguments and commands in the history ship with the image",
		"secrets.no-hardcoded": "a secret value in the history is hardcoded",
	},
	"IM005": {
		"build.no-secrets":     "labels ship with the image",
		"secrets.no-hardcoded": "a secret value in a label is hardcoded",
	},
	"IM006": {
		"build.no-secrets":     "a key or secret file in a layer ships with the image, even when a later layer deletes it",
		"secrets.no-hardcoded": "secret content in image files is hardcoded",
	},
	"IM007": {
		"secrets.no-env-files": "a .env file in a layer is the item itself",
		"build.no-secrets":     ".env files hold secrets, which then ship with the image",
	},
	"IM008": {"build.multi-stage": "compilers in the image are exactly what a multi-stage build keeps out"},
	"IM009": {"runtime.non-root": "setuid binaries are how a non-root process becomes root again"},
	"IM010": {"runtime.read-only": "world-writable files are what any user changes when the root filesystem is writable"},
	"IM011": {"runtime.health-checks": "the image's Healthcheck is the item for containers started from it"},
	"IM012": {
		"runtime.debug-disabled": "DEBUG/ENVIRONMENT values in the image config are the item itself",
		"secrets.not-exposed":    "debug modes send tracebacks with settings and secrets to clients",
	},
	"IM013": {
		"build.dockerignore": "a .git directory in the image is what .dockerignore should have excluded",
		"build.no-secrets":   "git history keeps secrets that were committed and later removed",
	},
	"IM014": {"build.slim-base": "package caches are dead weight in the shipped image"},
	"IM015": {"runtime.network-isolation": "an SSH server is a second network entry into the container"},

	// Python (FastAPI) source.
	"PY001": {
		"runtime.debug-disabled": "FastAPI(debug=True) is the item itself",
		"secrets.not-exposed":    "debug mode sends tracebacks with locals and settings to clients",
	},
	"PY002": {"runtime.debug-disabled": "the seed's production settings turn the interactive docs off outside development"},
	"PY003": {"runtime.debug-disabled": "a settings default of debug or development is what runs when the environment sets nothing"},
	"PY004": {"secrets.no-hardcoded": "a literal secret as a settings default is hardcoded"},
	"PY005": {"runtime.debug-disabled": "uvicorn.run(reload=True) is a development server"},
	"PY006": {"secrets.not-exposed": "a secret returned in a response or written to logs is the item itself"},

	// Content trust (Notary v1).
	"DF040": {"build.signed-images": "DOCKER_CONTENT_TRUST relies on Notary v1, which Docker Hub retired: it verifies no signature, whatever the setting promises"},
	"DC050": {"build.signed-images": "DOCKER_CONTENT_TRUST relies on Notary v1, which Docker Hub retired: it verifies no signature, whatever the setting promises"},
	"CI001": {"build.signed-images": "a CI job that sets DOCKER_CONTENT_TRUST believes it verifies images; with Notary v1 retired it verifies none"},

	// Running containers.
	"RT001": {"runtime.non-root": "the uid the container's processes run as is the item itself"},
	"RT002": {"runtime.capabilities": "a privileged container holds every capability"},
	"RT003": {"runtime.capabilities": "CapDrop ALL is how the item is done"},
	"RT004": {"runtime.capabilities": "an added SYS_ADMIN, NET_ADMIN and the like adds back what the item asks to drop"},
	"RT005": {"runtime.capabilities": "without no-new-privileges a setuid binary regains dropped privileges"},
	"RT006": {"runtime.capabilities": "seccomp and AppArmor confine what the remaining capabilities can do"},
	"RT007": {"runtime.capabilities": "a host device node is a privilege beyond the default set"},
	"RT008": {"runtime.read-only": "ReadonlyRootfs is the item itself"},
	"RT009": {"runtime.resource-limits": "memory, CPU and pids limits are the item itself"},
	"RT010": {"runtime.health-checks": "a configured, passing health check is the item itself"},
	"RT011": {"runtime.network-isolation": "a shared host namespace (network first of all) removes the container's isolation from the host"},
	"RT012": {"runtime.network-isolation": "a port published on 0.0.0.0 is reachable from every network the host is on"},
	"RT013": {"runtime.network-isolation": "a privileged host port maps a well-known service port into the container"},
	"RT014": {"runtime.capabilities": "the Docker socket or a sensitive host path gives the container root's reach into the host"},
	"RT015": {"runtime.capabilities": "shared propagation lets mounts made in the container reach the host"},
	"RT016": {"runtime.network-isolation": "the default bridge joins every container started without a network"},
	"RT017": {"runtime.resource-limits": "advisory: restart always (or none) decides what a crash loop costs the host (CIS 5.15); it goes beyond the limits the item asks for"},
	"RT018": {
		"secrets.no-hardcoded": "a secret value in the container's Env was written somewhere as a literal",
		"secrets.injected":     "secrets in Env are visible to inspect; Docker secrets keep them out of it",
	},
	"RT019": {"runtime.network-isolation": "a running sshd is a second network entry into the container"},
	"RT020": {
		"runtime.debug-disabled": "DEBUG/ENVIRONMENT values in the container's Env are the item itself",
		"secrets.not-exposed":    "debug modes send tracebacks with settings and secrets to clients",
	},
}
