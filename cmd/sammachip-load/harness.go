package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
)

// runner is what every scenario shares: the flags, a temporary directory,
// the binary, and what it started (to stop at the end).
type runner struct {
	opt    options
	dir    string
	stderr io.Writer

	mu      sync.Mutex
	bin     string
	cleanup []func()
}

func newRunner(opt options, stderr io.Writer) (*runner, error) {
	dir, err := os.MkdirTemp("", "sammachip-load-")
	if err != nil {
		return nil, err
	}
	return &runner{opt: opt, dir: dir, stderr: stderr}, nil
}

// logf prints progress to standard error.
func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.stderr, "sammachip-load: "+format+"\n", args...)
}

// onClose registers fn to run at close, last registered first.
func (r *runner) onClose(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanup = append(r.cleanup, fn)
}

// close stops what was started and removes the temporary directory unless
// --keep.
func (r *runner) close() error {
	r.mu.Lock()
	fns := r.cleanup
	r.cleanup = nil
	r.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
	if r.opt.keep {
		r.logf("kept %s", r.dir)
		return nil
	}
	return os.RemoveAll(r.dir)
}

// keptDir names the temporary directory for a message, or says it is gone.
func (r *runner) keptDir() string {
	if r.opt.keep {
		return r.dir
	}
	return r.dir + " (removed; run with --keep to keep it)"
}

// binary returns --bin, or builds ./cmd/sammachip of the module the
// current directory is in (once per run).
func (r *runner) binary(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bin != "" {
		return r.bin, nil
	}
	if r.opt.bin != "" {
		abs, err := filepath.Abs(r.opt.bin)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("--bin: %w", err)
		}
		r.bin = abs
		return abs, nil
	}
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the sammachip module: run from its directory, or pass --bin PATH")
	}
	root := filepath.Dir(gomod)
	bin := filepath.Join(r.dir, "sammachip")
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/sammachip")
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/sammachip: %v\n%s", err, msg)
	}
	r.logf("built %s in %v", bin, time.Since(t0).Round(100*time.Millisecond))
	r.bin = bin
	return bin, nil
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr, nil
}

// fakeLINE is the fake LINE API serving on loopback.
type fakeLINE struct {
	*linefake.Server
	URL string
}

// startFake serves a fake LINE API on addr (port 0: any free port); it is
// closed at the end of the run.
func (r *runner) startFake(addr string, opts ...linefake.Option) (*fakeLINE, error) {
	fake := linefake.New(opts...)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fake LINE API: %w", err)
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	r.onClose(func() {
		fake.Close() // ends injected hangs first
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return &fakeLINE{Server: fake, URL: "http://" + l.Addr().String()}, nil
}

// botConfig is how to start the real binary.
type botConfig struct {
	// LINE is the fake's base URL; empty runs the simulator (no channel).
	LINE   string
	Secret string
	Token  string
	DB     string
	// Env adds variables (NAME=value) after the defaults.
	Env []string
}

// bot is the real binary running as a child process.
type bot struct {
	r    *runner
	cfg  botConfig
	bin  string
	Addr string // 127.0.0.1:port
	URL  string // http://Addr

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	runs   int
	log    *os.File
}

// startBot starts the binary and waits until /healthz answers.
func (r *runner) startBot(ctx context.Context, cfg botConfig) (*bot, error) {
	bin, err := r.binary(ctx)
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(r.dir, "bot.log"))
	if err != nil {
		return nil, err
	}
	b := &bot{r: r, cfg: cfg, bin: bin, Addr: addr, URL: "http://" + addr, log: logf}
	r.onClose(func() {
		if err := b.Stop(30 * time.Second); err != nil {
			r.logf("stop the bot: %v", err)
		}
		_ = logf.Close()
	})
	if err := b.Start(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// environ is the child's environment: this one without LINE_ and
// SAMMACHIP_ variables (a developer's own settings must not leak in),
// then the run's.
func (b *bot) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "LINE_") || strings.HasPrefix(kv, "SAMMACHIP_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"SAMMACHIP_ADDR="+b.Addr,
		"SAMMACHIP_DB="+b.cfg.DB,
		"SAMMACHIP_TZ=Asia/Bangkok",
		"SAMMACHIP_COMPACT_AT=off",
	)
	if b.cfg.LINE != "" {
		env = append(env,
			"LINE_CHANNEL_SECRET="+b.cfg.Secret,
			"LINE_CHANNEL_ACCESS_TOKEN="+b.cfg.Token,
			"LINE_API_ENDPOINT="+b.cfg.LINE,
			"LINE_DATA_ENDPOINT="+b.cfg.LINE,
		)
	} else {
		env = append(env, "SAMMACHIP_SIMULATOR=1")
	}
	return append(env, b.cfg.Env...)
}

// Start runs the binary (again, after Kill or Stop) and waits until it
// serves.
func (b *bot) Start(ctx context.Context) error {
	b.mu.Lock()
	if b.cmd != nil {
		b.mu.Unlock()
		return errors.New("bot already running")
	}
	b.runs++
	fmt.Fprintf(b.log, "---- start %d at %s ----\n", b.runs, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(b.bin, "serve")
	cmd.Env = b.environ()
	var out io.Writer = b.log
	if b.r.opt.verbose {
		out = io.MultiWriter(b.log, b.r.stderr)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		b.mu.Unlock()
		return fmt.Errorf("start %s: %w", b.bin, err)
	}
	exited := make(chan struct{})
	b.cmd, b.exited = cmd, exited
	b.mu.Unlock()
	go func() { _ = cmd.Wait(); close(exited) }()

	deadline := time.Now().Add(2 * time.Minute)
	client := &http.Client{Timeout: time.Second}
	for {
		res, err := client.Get(b.URL + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("the bot exited at start (%s); its log:\n%s", cmd.ProcessState, b.tail(20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the bot did not answer /healthz within 2 minutes; its log:\n%s", b.tail(20))
		}
	}
}

// Kill ends the bot with SIGKILL, as a crash or a power cut would, and
// waits for it to be gone.
func (b *bot) Kill() error {
	b.mu.Lock()
	cmd, exited := b.cmd, b.exited
	b.cmd = nil
	b.mu.Unlock()
	if cmd == nil {
		return nil
	}
	fmt.Fprintf(b.log, "---- SIGKILL at %s ----\n", time.Now().Format(time.RFC3339Nano))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-exited
	return nil
}

// Stop asks the bot to shut down (SIGTERM: it finishes requests and sends
// in flight, then closes the database) and kills it after wait.
func (b *bot) Stop(wait time.Duration) error {
	b.mu.Lock()
	cmd, exited := b.cmd, b.exited
	b.cmd = nil
	b.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-exited:
		if st := cmd.ProcessState; st != nil && !st.Success() {
			return fmt.Errorf("the bot exited with %s; its log:\n%s", st, b.tail(10))
		}
		return nil
	case <-time.After(wait):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		return fmt.Errorf("the bot did not stop within %v of SIGTERM: killed", wait)
	}
}

// Running reports whether the bot process is up.
func (b *bot) Running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cmd != nil
}

// tail returns the last n lines of the bot's log.
func (b *bot) tail(n int) string {
	f, err := os.Open(b.log.Name())
	if err != nil {
		return ""
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// metrics reads the bot's /metrics: each sample's value by its line's
// name and labels as printed ("name" or `name{a="b"}`).
func (b *bot) metrics() (map[string]float64, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(b.URL + "/metrics")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics: %s", res.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// sumMetric adds up the samples of a metric whose labels include every
// one of labels (e.g. `kind="reply"`).
func sumMetric(m map[string]float64, name string, labels ...string) float64 {
	total := 0.0
	for k, v := range m {
		base, rest, _ := strings.Cut(k, "{")
		if base != name {
			continue
		}
		match := true
		for _, l := range labels {
			if !strings.Contains(rest, l) {
				match = false
			}
		}
		if match {
			total += v
		}
	}
	return total
}
