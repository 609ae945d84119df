package main

import (
	"context"
	"flag"
)

// command is one paydeck subcommand.
type command struct {
	name    string
	summary string // one line for "paydeck --help"
	help    string // paragraph for "paydeck NAME --help"
	config  bool   // loads the configuration and takes its flags
	args    string // its arguments in usage ("EVENT_TYPE"); "" takes none
	flags   func(fs *flag.FlagSet, f *commandFlags)
	run     func(m *Main, ctx context.Context) error
}

// commands lists the subcommands in the order "paydeck --help" shows them.
var commands = []*command{
	{name: "serve", summary: "migrate the database and run the HTTP server and job workers", config: true,
		help: "serve migrates the database, starts the job workers and serves HTTP until SIGINT or\nSIGTERM, then finishes in-flight requests and jobs. Without Toss keys it mounts the\noffline Toss sandbox at /toss-sandbox; its control API (/toss-sandbox/v1/sandbox/...) then\nalso needs the header X-Sandbox-Control-Token with the token serve keeps in\nsandbox-control.token in the data dir. Sandbox mode is refused on an address other\nmachines can reach unless --allow-public-sandbox is given.",
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.BoolVar(&f.allowPublicSandbox, "allow-public-sandbox", false, "allow sandbox mode (no Toss keys) on a non-loopback address")
		},
		run: (*Main).serve},
	{name: "migrate", summary: "apply database migrations and exit", config: true,
		help: "migrate applies paydeck's and River's migrations to the configured database.",
		run:  (*Main).migrate},
	{name: "createadmin", summary: "create an admin user (password from --password or stdin)", config: true,
		help: "createadmin creates an admin user. Without --password the password is read from the\nfirst line of standard input, which keeps it out of the process list.",
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.StringVar(&f.email, "email", "", "admin `email` (required)")
			fs.StringVar(&f.password, "password", "", "admin `password` (default: read from stdin)")
			fs.StringVar(&f.name, "name", "관리자", "display `name`")
		},
		run: (*Main).createAdmin},
	{name: "user", summary: "change an account's role or delete it, ending its sessions", config: true,
		help: "user gives the account with --email the role --role (admin or customer), or deletes it\nwith --delete (refused while orders reference it: demote it instead). Either way every\nsession of the account, page cookies and API tokens alike, ends at once.",
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.StringVar(&f.email, "email", "", "account `email` (required)")
			fs.StringVar(&f.role, "role", "", "new `role`: admin or customer")
			fs.BoolVar(&f.deleteUser, "delete", false, "delete the account")
		},
		run: (*Main).user},
	{name: "seed", summary: "add the demo catalogue and the six payment methods (idempotent)", config: true,
		help: "seed adds a demo catalogue of Korean shop products and the six Toss payment methods\nwith realistic fees. Running it again adds nothing.",
		run:  (*Main).seed},
	{name: "reconcile", summary: "compare one day's payments with Toss's transactions and store the report", config: true,
		help: "reconcile compares the local payments approved on one KST day with Toss's transaction list,\nstores the report (shown at GET /api/admin/reconciliation) and prints it. In sandbox mode\nthe sandbox runs inside \"paydeck serve\", which must be running.",
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.StringVar(&f.date, "date", "", "KST `day` yyyy-mm-dd (default: yesterday)")
		},
		run: (*Main).reconcile},
	{name: "config", summary: "print the effective configuration, secrets redacted", config: true,
		help: "config prints every variable with its effective value and where it came from\n(default, .env, env, file, flag, data dir). Secrets are redacted.",
		run:  (*Main).printConfig},
	{name: "version", summary: "print version and build information",
		help: "version prints the module version, VCS revision and Go version of this binary.",
		run:  (*Main).version},
	{name: "sandbox", summary: "run the offline Toss sandbox on its own",
		help: "sandbox serves the offline Toss Payments sandbox (API, payment window, SDK script,\nwebhooks) and prints its test keys. It is a test tool: its control API is open to anyone\nwho can reach its port and knows the published test keys (no control token), so keep\nit on a loopback address.",
		flags: func(fs *flag.FlagSet, f *commandFlags) {
			fs.StringVar(&f.sandboxAddr, "addr", "127.0.0.1:8090", "`host:port` to listen on")
			fs.StringVar(&f.webhookURL, "webhook-url", "", "`URL` that receives the sandbox's webhooks (default: none sent)")
			fs.StringVar(&f.statePath, "state", "", "JSON `file` that keeps the sandbox state across restarts (default: memory only)")
		},
		run: (*Main).runSandbox},
	benchCommand(),
	listenCommand(),
	triggerCommand(),
	eventsCommand(),
}

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}
