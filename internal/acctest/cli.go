package acctest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/onboard-tf/terraform-provider-onboard/internal/provider"
)

// providerAddress is the address configurations name the provider by.
const providerAddress = "registry.terraform.io/onboard-tf/onboard"

// CLI runs the Terraform CLI itself in a directory, for what
// terraform-plugin-testing does not show: the exit code of
// `plan -detailed-exitcode` and what plan and apply print. Each command gets
// a provider of its own, served from the test process the way
// terraform-plugin-testing serves it (TF_REATTACH_PROVIDERS), so no binary
// is built.
type CLI struct {
	t   *testing.T
	Dir string
	bin string
}

// NewCLI returns a CLI in a new directory holding files (name → content),
// initialized.
func NewCLI(t *testing.T, files map[string]string) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (runs the Terraform CLI)")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no Terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	c := &CLI{t: t, Dir: t.TempDir(), bin: bin}
	for name, content := range files {
		c.Write(name, content)
	}
	if out, code := c.Run("init", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("terraform init exited %d:\n%s", code, out)
	}
	return c
}

// Write puts a file in the directory.
func (c *CLI) Write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Run runs terraform with args and returns what it printed (stdout and
// stderr) and its exit code.
func (c *CLI) Run(args ...string) (string, int) {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach, closed := c.serve(ctx)
	defer func() { cancel(); <-closed }()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.Dir
	cmd.Env = append(withoutTerraformEnv(os.Environ()), "TF_REATTACH_PROVIDERS="+reattach, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		c.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	}
	return string(out), 0
}

// serve starts a provider server and returns its reattach configuration;
// closed is closed once the server stopped after ctx ends.
func (c *CLI) serve(ctx context.Context) (reattach string, closed chan struct{}) {
	c.t.Helper()
	configs := make(chan *plugin.ReattachConfig, 1)
	closed = make(chan struct{})
	server := providerserver.NewProtocol6(provider.New("test")())
	go func() {
		err := tf6server.Serve(providerAddress, server,
			// The logging sink keeps the provider's logs out of the test's
			// output unless TF_LOG or TF_ACC_LOG asks for them, as
			// terraform-plugin-testing does.
			tf6server.WithDebug(ctx, configs, closed), tf6server.WithLoggingSink(c.t), tf6server.WithoutLogStderrOverride(),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			c.t.Errorf("serving the provider: %v", err)
		}
	}()
	cfg := <-configs
	type addr struct{ Network, String string }
	b, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": addr{cfg.Addr.Network(), cfg.Addr.String()},
	}})
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b), closed
}

// withoutTerraformEnv drops the caller's Terraform CLI settings (a CLI
// configuration with dev_overrides, a log level) so every run sees the same.
func withoutTerraformEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == "TF_CLI_CONFIG_FILE" || k == "TF_LOG" || k == "TF_REATTACH_PROVIDERS" {
			continue
		}
		out = append(out, kv)
	}
	return out
}
