package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck/internal/httpx"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// main only wires signals and exit codes; Main does the work.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal starts a graceful shutdown, a second one kills
	// the process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()

	m := NewMain()
	err := m.ParseFlags(ctx, os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "paydeck:", err)
		os.Exit(2)
	}
	err = m.Run(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "paydeck:", err)
		os.Exit(1)
	}
}

// defaultShutdownTimeout bounds how long serve waits for in-flight requests
// and running jobs after SIGINT/SIGTERM.
const defaultShutdownTimeout = 20 * time.Second

// Main is the paydeck program: ParseFlags picks the command and loads the
// configuration, Run executes it (serve and sandbox block until ctx is
// done, then shut down gracefully), Close releases what Run opened. Tests
// drive it exactly as main does.
type Main struct {
	// Process inputs; NewMain fills them from the real process.
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	LookupEnv func(string) (string, bool)
	Dir       string           // directory holding the optional .env file
	Now       func() time.Time // clock for logs, metrics, the store and the sandbox
	Rand      io.Reader        // randomness for IDs, salts and the generated secret

	// Config is the effective configuration, set by ParseFlags for commands
	// that use one.
	Config *Config

	cmd             *command
	flags           commandFlags
	shutdownTimeout time.Duration
	logger          *slog.Logger

	// Job workers and periodic jobs serve runs; nil workers means none.
	workers      *river.Workers
	periodicJobs []*river.PeriodicJob

	// Resources opened by Run and released by Close.
	db       store.DB
	stmts    statementCounts // the store's statements, for /metrics
	sandbox  *sandbox.Server
	payments *payment.Service  // built by serve once the store is open
	outbound *outbound.Service // likewise
	// subscriptions is built with payments.
	subscriptions *subscription.Service
	// ready is closed once serve or sandbox listens; addr is then its address.
	ready chan struct{}
	addr  string
	// pprofAddr is where the profiling listener listens, when configured.
	pprofAddr string
}

// commandFlags holds the values of command-specific flags.
type commandFlags struct {
	email, password, name string   // createadmin
	webhookURL, statePath string   // sandbox
	sandboxAddr           string   // sandbox
	allowPublicSandbox    bool     // serve
	date                  string   // reconcile
	role                  string   // user
	deleteUser            bool     // user
	apiURL                string   // listen, trigger, events
	forwardTo, events     string   // listen
	listenSecret          string   // listen
	args                  []string // the arguments of commands that take some (command.args)
	configOverrides       map[string]string
}

// NewMain returns a Main reading the real process's environment, standard
// streams and working directory.
func NewMain() *Main {
	return &Main{
		Stdin:           os.Stdin,
		Stdout:          os.Stdout,
		Stderr:          os.Stderr,
		LookupEnv:       os.LookupEnv,
		Dir:             ".",
		Now:             time.Now,
		shutdownTimeout: defaultShutdownTimeout,
		ready:           make(chan struct{}),
	}
}

// ParseFlags selects the command named by args[0], parses its flags and,
// for commands that need one, loads and validates the configuration. It
// returns flag.ErrHelp after printing usage for "--help", "help" or no
// command at all, and a descriptive error for an unknown command, a bad
// flag or an invalid configuration.
func (m *Main) ParseFlags(_ context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		m.printUsage(m.Stdout)
		return flag.ErrHelp
	}
	cmd := findCommand(args[0])
	if cmd == nil {
		m.printUsage(m.Stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	m.cmd = cmd
	m.flags.configOverrides = map[string]string{}
	fs := flag.NewFlagSet("paydeck "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: paydeck %s [flags]%s\n\n%s\n", cmd.name, strings.TrimRight(" "+cmd.args, " "), cmd.help)
		if cmd.config {
			fmt.Fprintln(out, "\nConfiguration comes from the environment, .env and these flags (flags win);\nsecrets are set by environment only (or their *_FILE variants).")
		}
		fmt.Fprintln(out, "\nFlags:")
		fs.PrintDefaults()
	}
	if cmd.config {
		registerConfigFlags(fs, m.flags.configOverrides)
	}
	if cmd.flags != nil {
		cmd.flags(fs, &m.flags)
	}
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return err
	} else if err != nil {
		return fmt.Errorf("%s: %w", cmd.name, err)
	}
	// Commands with arguments (cmd.args) take flags before and after them.
	for cmd.args != "" && fs.NArg() > 0 {
		m.flags.args = append(m.flags.args, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return fmt.Errorf("%s: %w", cmd.name, err)
		}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", cmd.name, fs.Arg(0))
	}
	if !cmd.config {
		return nil
	}
	dotenv, err := readDotenv(filepath.Join(m.Dir, ".env"))
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	cfg, err := loadConfig(configSources{dotenv: dotenv, env: m.LookupEnv, flags: m.flags.configOverrides})
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	m.Config = cfg
	return nil
}

// Run executes the command chosen by ParseFlags. serve and sandbox run
// until ctx is done and return nil after a clean shutdown.
func (m *Main) Run(ctx context.Context) error {
	if m.cmd == nil {
		return errors.New("Run called before ParseFlags")
	}
	m.logger = m.newLogger()
	if path := os.Getenv(clockOffsetEnv); path != "" {
		m.Now = offsetClock(path)
		m.logger.Warn("the clock follows a test offset file; never do this in production", "file", path)
	}
	return m.cmd.run(m, ctx)
}

// Close releases the sandbox and the store opened by Run. It is safe to
// call more than once and when Run opened nothing.
func (m *Main) Close() error {
	var errs []error
	if m.sandbox != nil {
		errs = append(errs, m.sandbox.Close())
		m.sandbox = nil
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
		m.db = nil
	}
	return errors.Join(errs...)
}

// newLogger builds the process logger from the configuration (text at Info
// for commands without one). Records logged with a request's context carry
// its request ID.
func (m *Main) newLogger() *slog.Logger {
	level, format := slog.LevelInfo, "text"
	if m.Config != nil {
		level, format = m.Config.LogLevel, m.Config.LogFormat
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(m.Stderr, opts)
	if format == "json" {
		h = slog.NewJSONHandler(m.Stderr, opts)
	}
	return slog.New(httpx.LogHandler(h))
}

func (m *Main) printUsage(w io.Writer) {
	fmt.Fprintln(w, "paydeck: a payment backend for Korean shops on Toss Payments.")
	fmt.Fprintln(w, "\nUsage: paydeck COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"paydeck COMMAND --help\" for a command's flags.")
}
