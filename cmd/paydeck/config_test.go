package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// envMap turns a map into a LookupEnv function.
func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// load is loadConfig with a temp data dir unless the env names one.
func load(t *testing.T, env map[string]string) (*Config, error) {
	t.Helper()
	if _, ok := env["PAYDECK_DATA_DIR"]; !ok {
		env["PAYDECK_DATA_DIR"] = t.TempDir()
	}
	return loadConfig(configSources{env: envMap(env)})
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(configSources{})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	require.Equal(t, "./data", c.DataDir)
	require.Equal(t, filepath.Join("data", "paydeck.db"), c.DatabaseURL.Reveal())
	require.True(t, c.SandboxMode())
	require.Equal(t, "http://127.0.0.1:8080", c.PublicURL)
	require.Equal(t, "http://127.0.0.1:8080/toss-sandbox", c.TossAPIBaseURL, "sandbox mode talks to the mounted sandbox")
	require.EqualValues(t, 100, c.MinAmount)
	require.EqualValues(t, 10_000_000, c.MaxAmount)
	require.Equal(t, 30*time.Minute, c.PaymentTimeout)
	require.Equal(t, 30*time.Second, c.TossTimeout)
	require.Empty(t, c.CORSOrigins)
	require.Equal(t, slog.LevelInfo, c.LogLevel)
	require.Equal(t, "text", c.LogFormat)
	require.EqualValues(t, 3000, c.ShippingFee)
	require.EqualValues(t, 50_000, c.FreeShippingOver)
	for _, o := range options {
		require.Equal(t, "default", c.Source(o.env), o.env)
	}
}

func TestConfigLiveKeysUseTossAPI(t *testing.T) {
	t.Parallel()
	c, err := load(t, map[string]string{"TOSS_CLIENT_KEY": "test_gck_abc", "TOSS_SECRET_KEY": "test_gsk_abc"})
	require.NoError(t, err)
	require.False(t, c.SandboxMode())
	require.Equal(t, "https://api.tosspayments.com", c.TossAPIBaseURL)
	require.Equal(t, "test_gsk_abc", c.TossSecretKey.Reveal())
}

func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dotenv := map[string]string{"PAYDECK_ADDR": "127.0.0.1:1111", "PAYDECK_LOG_LEVEL": "debug", "PAYDECK_MAX_AMOUNT": "500000", "PAYDECK_DATA_DIR": dir}
	env := map[string]string{"PAYDECK_ADDR": "127.0.0.1:2222", "PAYDECK_LOG_LEVEL": "warn"}
	flags := map[string]string{"PAYDECK_ADDR": "127.0.0.1:3333"}
	c, err := loadConfig(configSources{dotenv: dotenv, env: envMap(env), flags: flags})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:3333", c.Addr)
	require.Equal(t, "flag", c.Source("PAYDECK_ADDR"))
	require.Equal(t, slog.LevelWarn, c.LogLevel)
	require.Equal(t, "env", c.Source("PAYDECK_LOG_LEVEL"))
	require.EqualValues(t, 500_000, c.MaxAmount)
	require.Equal(t, ".env", c.Source("PAYDECK_MAX_AMOUNT"))
	require.Equal(t, "http://127.0.0.1:3333", c.PublicURL, "the public URL default follows the effective address")
	require.Equal(t, filepath.Join(dir, "paydeck.db"), c.DatabaseURL.Reveal(), "the database default follows the data dir")
}

func TestConfigFileVariants(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "toss.key")
	require.NoError(t, os.WriteFile(keyFile, []byte("test_sk_fromfile\n"), 0o600))

	c, err := load(t, map[string]string{"TOSS_CLIENT_KEY": "test_ck_x", "TOSS_SECRET_KEY_FILE": keyFile})
	require.NoError(t, err)
	require.Equal(t, "test_sk_fromfile", c.TossSecretKey.Reveal())
	require.Equal(t, "file", c.Source("TOSS_SECRET_KEY"))

	_, err = load(t, map[string]string{"TOSS_SECRET_KEY": "test_sk_a", "TOSS_SECRET_KEY_FILE": keyFile})
	require.ErrorContains(t, err, "TOSS_SECRET_KEY and TOSS_SECRET_KEY_FILE are both set in env; set one")

	_, err = load(t, map[string]string{"PAYDECK_SECRET_FILE": filepath.Join(dir, "missing")})
	require.ErrorContains(t, err, "PAYDECK_SECRET_FILE: open")

	// The database URL may hold a password, so it has a _FILE variant too.
	urlFile := filepath.Join(dir, "db.url")
	require.NoError(t, os.WriteFile(urlFile, []byte("postgres://u:pw@127.0.0.1/db\n"), 0o600))
	c, err = load(t, map[string]string{"PAYDECK_DATABASE_URL_FILE": urlFile})
	require.NoError(t, err)
	require.Equal(t, "postgres://u:pw@127.0.0.1/db", c.DatabaseURL.Reveal())

	// A variable without a _FILE variant ignores one in the environment and
	// rejects one in .env as unknown.
	c, err = load(t, map[string]string{"PAYDECK_ADDR_FILE": keyFile})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	_, err = loadConfig(configSources{dotenv: map[string]string{"PAYDECK_ADDR_FILE": keyFile, "PAYDECK_DATA_DIR": dir}})
	require.ErrorContains(t, err, ".env: unknown variable PAYDECK_ADDR_FILE")
}

func TestConfigDotenvRejectsUnknownNames(t *testing.T) {
	t.Parallel()
	_, err := loadConfig(configSources{dotenv: map[string]string{"PAYDECK_ADR": "x", "TOSS_SECRETKEY": "y", "OTHER_APP": "z", "PAYDECK_TEST_DATABASE_URL": "postgres://x"}})
	require.ErrorContains(t, err, ".env: unknown variable PAYDECK_ADR")
	require.ErrorContains(t, err, ".env: unknown variable TOSS_SECRETKEY")
	require.NotContains(t, err.Error(), "OTHER_APP")
	require.NotContains(t, err.Error(), "PAYDECK_TEST_DATABASE_URL")
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"AddrNoPort", map[string]string{"PAYDECK_ADDR": "localhost"}, `PAYDECK_ADDR "localhost" must be host:port`},
		{"AddrBadPort", map[string]string{"PAYDECK_ADDR": "127.0.0.1:99999"}, `PAYDECK_ADDR "127.0.0.1:99999" must be host:port`},
		{"PprofAddrNoPort", map[string]string{"PAYDECK_PPROF_ADDR": "localhost"}, `PAYDECK_PPROF_ADDR "localhost" must be host:port`},
		{"WebhookRateZero", map[string]string{"PAYDECK_WEBHOOK_RATE": "0"}, "PAYDECK_WEBHOOK_RATE (0) must be between 1 and 10000"},
		{"DataDirEmpty", map[string]string{"PAYDECK_DATA_DIR": " "}, "PAYDECK_DATA_DIR must not be empty"},
		{"TrustedProxyName", map[string]string{"PAYDECK_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, `trusted proxy "proxy.local" is neither a CIDR nor an IP address`},
		{"AdminIdleAboveMaxAge", map[string]string{"PAYDECK_ADMIN_IDLE_TIMEOUT": "13h"}, "PAYDECK_ADMIN_IDLE_TIMEOUT (13h0m0s) and PAYDECK_ADMIN_SESSION_MAX_AGE (12h0m0s) must be positive"},
		{"DatabaseScheme", map[string]string{"PAYDECK_DATABASE_URL": "mysql://root:hunter2@db/x"}, "PAYDECK_DATABASE_URL must be a postgres:// URL or a SQLite file path, not mysql://root:[redacted]@db/x"},
		{"OnlyClientKey", map[string]string{"TOSS_CLIENT_KEY": "test_ck_a"}, "TOSS_CLIENT_KEY and TOSS_SECRET_KEY must be set together"},
		{"OnlySecretKey", map[string]string{"TOSS_SECRET_KEY": "test_sk_a"}, "TOSS_CLIENT_KEY and TOSS_SECRET_KEY must be set together"},
		{"ClientKeyPrefix", map[string]string{"TOSS_CLIENT_KEY": "ck_a", "TOSS_SECRET_KEY": "test_sk_a"}, "TOSS_CLIENT_KEY must start with one of test_ck_, live_ck_, test_gck_, live_gck_"},
		{"SecretKeyPrefix", map[string]string{"TOSS_CLIENT_KEY": "test_ck_a", "TOSS_SECRET_KEY": "test_ck_a"}, "TOSS_SECRET_KEY must start with one of test_sk_, live_sk_, test_gsk_, live_gsk_"},
		{"KeyModes", map[string]string{"TOSS_CLIENT_KEY": "test_ck_a", "TOSS_SECRET_KEY": "live_sk_a"}, "mix a test key with a live key"},
		{"KeyFamilies", map[string]string{"TOSS_CLIENT_KEY": "test_gck_a", "TOSS_SECRET_KEY": "test_sk_a"}, "mix a widget key (gck/gsk) with an API key (ck/sk)"},
		{"TossURL", map[string]string{"TOSS_API_BASE_URL": "api.tosspayments.com"}, `TOSS_API_BASE_URL "api.tosspayments.com" must be an absolute http:// or https:// URL`},
		{"PublicURLQuery", map[string]string{"PAYDECK_PUBLIC_URL": "https://shop.example.kr?x=1"}, `PAYDECK_PUBLIC_URL "https://shop.example.kr?x=1" must be an absolute http:// or https:// URL`},
		{"MinAmountLow", map[string]string{"PAYDECK_MIN_AMOUNT": "99"}, "PAYDECK_MIN_AMOUNT (99) must be at least 100 won"},
		{"MinAmountNotNumber", map[string]string{"PAYDECK_MIN_AMOUNT": "1.5"}, `PAYDECK_MIN_AMOUNT: "1.5" is not a whole number of won`},
		{"MaxBelowMin", map[string]string{"PAYDECK_MIN_AMOUNT": "5000", "PAYDECK_MAX_AMOUNT": "4999"}, "PAYDECK_MAX_AMOUNT (4999) must not be below PAYDECK_MIN_AMOUNT (5000)"},
		{"MaxAmountNotNumber", map[string]string{"PAYDECK_MAX_AMOUNT": "천만"}, `PAYDECK_MAX_AMOUNT: "천만" is not a whole number of won`},
		{"PaymentTimeoutShort", map[string]string{"PAYDECK_PAYMENT_TIMEOUT": "10s"}, "PAYDECK_PAYMENT_TIMEOUT (10s) must be between 1m and 168h0m0s"},
		{"PaymentTimeoutSyntax", map[string]string{"PAYDECK_PAYMENT_TIMEOUT": "30"}, `PAYDECK_PAYMENT_TIMEOUT: "30" is not a duration such as 30s or 30m`},
		{"TossTimeoutLong", map[string]string{"TOSS_TIMEOUT": "1h", "PAYDECK_CONFIRM_CHECK_DELAY": "2h"}, "TOSS_TIMEOUT (1h0m0s) must be between 1s and 10m0s"},
		{"SweepIntervalShort", map[string]string{"PAYDECK_SWEEP_INTERVAL": "100ms"}, "PAYDECK_SWEEP_INTERVAL (100ms) must be between 1s and 1h"},
		{"CheckDelayBelowTossTimeout", map[string]string{"TOSS_TIMEOUT": "10s", "PAYDECK_CONFIRM_CHECK_DELAY": "10s"}, "PAYDECK_CONFIRM_CHECK_DELAY (10s) must be above TOSS_TIMEOUT (10s)"},
		{"CheckDelayDefaultBelowTossTimeout", map[string]string{"TOSS_TIMEOUT": "5m"}, "PAYDECK_CONFIRM_CHECK_DELAY (1m0s) must be above TOSS_TIMEOUT (5m0s)"},
		{"TossTimeoutSyntax", map[string]string{"TOSS_TIMEOUT": "fast"}, `TOSS_TIMEOUT: "fast" is not a duration`},
		{"CORSOrigin", map[string]string{"PAYDECK_CORS_ORIGINS": "https://ok.example, shop.example.kr/path"}, `PAYDECK_CORS_ORIGINS entry "shop.example.kr/path" must be * or an origin`},
		{"SecretShort", map[string]string{"PAYDECK_SECRET": "short"}, "PAYDECK_SECRET must be at least 32 bytes long"},
		{"LogLevel", map[string]string{"PAYDECK_LOG_LEVEL": "loud"}, `PAYDECK_LOG_LEVEL: "loud" must be debug, info, warn or error`},
		{"LogFormat", map[string]string{"PAYDECK_LOG_FORMAT": "xml"}, `PAYDECK_LOG_FORMAT "xml" must be text or json`},
		{"ShippingFeeNegative", map[string]string{"PAYDECK_SHIPPING_FEE": "-1"}, "PAYDECK_SHIPPING_FEE (-1) must not be negative"},
		{"FreeShippingNegative", map[string]string{"PAYDECK_FREE_SHIPPING_OVER": "-5"}, "PAYDECK_FREE_SHIPPING_OVER (-5) must not be negative"},
		{"RetentionShort", map[string]string{"PAYDECK_WEBHOOK_RETENTION": "2h"}, "PAYDECK_WEBHOOK_RETENTION (2h0m0s) must be at least 1d"},
		{"RetentionSyntax", map[string]string{"PAYDECK_WEBHOOK_RETENTION": "3w"}, `PAYDECK_WEBHOOK_RETENTION: "3w" is not a duration`},
		{"ReadTimeoutZero", map[string]string{"PAYDECK_READ_TIMEOUT": "0s"}, "PAYDECK_READ_TIMEOUT (0s) must be between 1s and 1h"},
		{"HeaderAboveRead", map[string]string{"PAYDECK_READ_TIMEOUT": "5s", "PAYDECK_READ_HEADER_TIMEOUT": "6s"}, "PAYDECK_READ_HEADER_TIMEOUT (6s) must not be above PAYDECK_READ_TIMEOUT (5s)"},
		{"WriteBelowToss", map[string]string{"PAYDECK_WRITE_TIMEOUT": "20s"}, "PAYDECK_WRITE_TIMEOUT (20s) must be above TOSS_TIMEOUT (30s)"},
		{"IdleTimeoutLong", map[string]string{"PAYDECK_IDLE_TIMEOUT": "2h"}, "PAYDECK_IDLE_TIMEOUT (2h0m0s) must be between 1s and 1h"},
		{"PendingOrdersZero", map[string]string{"PAYDECK_MAX_PENDING_ORDERS": "0"}, "PAYDECK_MAX_PENDING_ORDERS (0) must be at least 1"},
		{"PendingQuantitySyntax", map[string]string{"PAYDECK_MAX_PENDING_QUANTITY": "many"}, `PAYDECK_MAX_PENDING_QUANTITY: "many" is not a whole number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := load(t, tc.env)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			// One bad value, one message.
			require.Equal(t, 1, strings.Count(err.Error(), "\n")+1, err.Error())
		})
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := load(t, map[string]string{"PAYDECK_LOG_FORMAT": "xml", "PAYDECK_MIN_AMOUNT": "1", "PAYDECK_ADDR": "nope"})
	require.ErrorContains(t, err, "PAYDECK_LOG_FORMAT")
	require.ErrorContains(t, err, "PAYDECK_MIN_AMOUNT")
	require.ErrorContains(t, err, "PAYDECK_ADDR")
}

func TestConfigErrorsNeverContainSecrets(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{"TOSS_CLIENT_KEY": "test_ck_a", "TOSS_SECRET_KEY": "live_sk_TOPSECRET"},
		{"TOSS_CLIENT_KEY": "test_ck_a", "TOSS_SECRET_KEY": "TOPSECRET"},
		{"PAYDECK_SECRET": "TOPSECRET"},
		{"PAYDECK_DATABASE_URL": "mysql://u:TOPSECRET@h/d"},
		{"PAYDECK_SMTP_URL": "http://u:TOPSECRET@mail.example.com:587", "PAYDECK_MAIL_FROM": "shop@example.com"},
		{"PAYDECK_SMTP_URL": "smtp://u:TOPSECRET@mail.example.com:587"},
	} {
		_, err := load(t, env)
		require.Error(t, err)
		require.NotContains(t, err.Error(), "TOPSECRET")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := NewSecret("TOPSECRET")
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %d %x", s, s, s, s, s, s, s),
		fmt.Sprintf("%+v", struct{ S Secret }{s}),
	} {
		require.NotContains(t, out, "TOPSECRET")
		require.Contains(t, out, "[redacted]")
	}
	b, err := json.Marshal(struct{ S Secret }{s})
	require.NoError(t, err)
	require.JSONEq(t, `{"S":"[redacted]"}`, string(b))
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "secret", s)
	require.NotContains(t, buf.String(), "TOPSECRET")
	require.Equal(t, "TOPSECRET", s.Reveal())
	require.Equal(t, "", NewSecret("").String())
}

func TestKeptSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := load(t, map[string]string{"PAYDECK_DATA_DIR": dir})
	require.NoError(t, err)
	require.False(t, c.Secret.IsSet())

	require.NoError(t, c.ensureSecret(bytes.NewReader(bytes.Repeat([]byte{7}, 32))))
	require.Equal(t, strings.Repeat("07", 32), c.Secret.Reveal())
	require.Equal(t, "generated", c.Source("PAYDECK_SECRET"))
	info, err := os.Stat(filepath.Join(dir, "secret.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// The next start reads the kept secret instead of generating another.
	c2, err := load(t, map[string]string{"PAYDECK_DATA_DIR": dir})
	require.NoError(t, err)
	require.Equal(t, c.Secret.Reveal(), c2.Secret.Reveal())
	require.Equal(t, "data dir", c2.Source("PAYDECK_SECRET"))
	require.NoError(t, c2.ensureSecret(nil))
	require.Equal(t, c.Secret.Reveal(), c2.Secret.Reveal())

	// A configured secret wins and nothing is read.
	c3, err := load(t, map[string]string{"PAYDECK_DATA_DIR": dir, "PAYDECK_SECRET": strings.Repeat("s", 32)})
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("s", 32), c3.Secret.Reveal())

	// A kept secret readable by others is refused.
	require.NoError(t, os.Chmod(filepath.Join(dir, "secret.key"), 0o644))
	_, err = load(t, map[string]string{"PAYDECK_DATA_DIR": dir})
	require.ErrorContains(t, err, "is readable by others")
}

func TestPrintConfigRedacts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	m := NewMain()
	m.Stdout, m.Stderr, m.Dir = &out, &out, dir
	m.LookupEnv = envMap(map[string]string{
		"PAYDECK_DATA_DIR":     dir,
		"TOSS_CLIENT_KEY":      "live_ck_public",
		"TOSS_SECRET_KEY":      "live_sk_TOPSECRET1",
		"TOSS_WEBHOOK_SECRET":  "TOPSECRET2",
		"PAYDECK_SECRET":       strings.Repeat("TOPSECRET3", 4),
		"PAYDECK_DATABASE_URL": "postgres://paydeck:TOPSECRET4@db.internal:5432/paydeck",
		"PAYDECK_SMTP_URL":     "smtp://mailer:TOPSECRET5@mail.example.com:587",
		"PAYDECK_MAIL_FROM":    "shop@example.com",
	})
	require.NoError(t, m.ParseFlags(t.Context(), []string{"config", "--log-format", "json"}))
	require.NoError(t, m.Run(t.Context()))
	s := out.String()
	require.NotContains(t, s, "TOPSECRET")
	require.Contains(t, s, "# mode: Toss API at https://api.tosspayments.com")
	require.Regexp(t, `TOSS_SECRET_KEY=\[redacted\]\s+# env`, s)
	require.Regexp(t, `TOSS_WEBHOOK_SECRET=\[redacted\]\s+# env`, s)
	require.Regexp(t, `PAYDECK_SECRET=\[redacted\]\s+# env`, s)
	require.Contains(t, s, "PAYDECK_DATABASE_URL=postgres://paydeck:[redacted]@db.internal:5432/paydeck")
	require.Contains(t, s, "PAYDECK_SMTP_URL=smtp://mailer:[redacted]@mail.example.com:587")
	require.Contains(t, s, "TOSS_CLIENT_KEY=live_ck_public")
	require.Regexp(t, `PAYDECK_LOG_FORMAT=json\s+# flag`, s)
	require.Regexp(t, `PAYDECK_ADDR=127.0.0.1:8080\s+# default`, s)
	for _, o := range options {
		require.Contains(t, s, o.env+"=", "every variable is listed")
	}
}

func TestParseDotenv(t *testing.T) {
	t.Parallel()
	vars, err := parseDotenv(strings.NewReader(`
# comment
PAYDECK_ADDR=127.0.0.1:9000   # trailing comment
export PAYDECK_LOG_LEVEL=debug
TOSS_CLIENT_KEY = "test_ck_a#b"
QUOTED="line1\nline2 \"q\""
SINGLE='raw $HOME \n'
EMPTY=
`))
	require.NoError(t, err)
	require.Equal(t, map[string]string{
		"PAYDECK_ADDR":      "127.0.0.1:9000",
		"PAYDECK_LOG_LEVEL": "debug",
		"TOSS_CLIENT_KEY":   "test_ck_a#b",
		"QUOTED":            "line1\nline2 \"q\"",
		"SINGLE":            `raw $HOME \n`,
		"EMPTY":             "",
	}, vars)

	for in, want := range map[string]string{
		"JUSTAWORD":      "line 1: expected KEY=VALUE",
		"1BAD=x":         "line 1: expected KEY=VALUE",
		"\nA=\"open":     "line 2 (A): unterminated double quote",
		"A='open":        "line 1 (A): unterminated single quote",
		"OK=1\nBAD KEY=": "line 2: expected KEY=VALUE",
	} {
		_, err := parseDotenv(strings.NewReader(in))
		require.EqualError(t, err, want, in)
	}

	vars, err = readDotenv(filepath.Join(t.TempDir(), ".env"))
	require.NoError(t, err, "a missing .env is fine")
	require.Empty(t, vars)
}

// FuzzParseDotenv checks that any input either fails or yields valid keys,
// and that a double-quoted value written with escapes reads back unchanged.
func FuzzParseDotenv(f *testing.F) {
	f.Add("A=1\n# c\nexport B='x y'\n", "plain")
	f.Add("C=\"a\\\"b\\\\c\"", "with \"quotes\" and \\ backslash\nand newline")
	f.Fuzz(func(t *testing.T, input, value string) {
		vars, err := parseDotenv(strings.NewReader(input))
		if err == nil {
			for k := range vars {
				require.Regexp(t, envKeyPattern, k)
			}
		}
		if strings.ContainsAny(value, "\r") || !utf8.ValidString(value) {
			return
		}
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`).Replace(value)
		vars, err = parseDotenv(strings.NewReader(`K="` + quoted + `"`))
		require.NoError(t, err)
		require.Equal(t, value, vars["K"])
	})
}

func TestOptionsTable(t *testing.T) {
	t.Parallel()
	envs, flags := map[string]option{}, map[string]bool{}
	for _, o := range options {
		_, dup := envs[o.env]
		require.False(t, dup, "duplicate %s", o.env)
		envs[o.env] = o
		if o.flag != "" {
			require.False(t, flags[o.flag], "duplicate flag %s", o.flag)
			flags[o.flag] = true
		}
		if o.secret {
			require.Empty(t, o.flag, "%s is secret: no flag, so it never shows in process listings", o.env)
			require.True(t, o.acceptsFile(), o.env)
		}
	}
	for _, secret := range []string{"TOSS_SECRET_KEY", "TOSS_WEBHOOK_SECRET", "PAYDECK_SECRET"} {
		require.True(t, envs[secret].secret, secret)
	}
}
