package dockercheck

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// repoRoot is the build context of `docker build -f deploy/Dockerfile .`.
const repoRoot = "../.."

const (
	dockerfilePath = repoRoot + "/deploy/Dockerfile"
	ignorePath     = repoRoot + "/deploy/Dockerfile.dockerignore"
)

// dockerfile is the parsed deploy/Dockerfile.
type dockerfile struct {
	syntax string
	stages []instructions.Stage
	args   []instructions.ArgCommand
}

// parse reads deploy/Dockerfile with BuildKit's parser and linter; every
// parser warning and lint finding fails t.
func parse(t *testing.T) dockerfile {
	t.Helper()
	dt, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	var df dockerfile
	df.syntax, _, _, _ = parser.DetectSyntax(dt)
	res, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		t.Fatalf("parse deploy/Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("deploy/Dockerfile: parser warning: %s %s", w.Short, bytes.Join(w.Detail, []byte(" ")))
	}
	lint := linter.New(&linter.Config{
		Warn: func(rule, _, url, msg string, loc []parser.Range) {
			line := 0
			if len(loc) > 0 {
				line = loc[0].Start.Line
			}
			t.Errorf("deploy/Dockerfile:%d: %s: %s (%s)", line, rule, msg, url)
		},
	})
	df.stages, df.args, err = instructions.Parse(res.AST, lint)
	if err != nil {
		t.Fatalf("deploy/Dockerfile: %v", err)
	}
	return df
}

func (df dockerfile) stage(t *testing.T, name string) instructions.Stage {
	t.Helper()
	for _, s := range df.stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("deploy/Dockerfile has no stage %q", name)
	return instructions.Stage{}
}

// commands returns the stage's commands of type C.
func commands[C instructions.Command](s instructions.Stage) []C {
	var out []C
	for _, c := range s.Commands {
		if cc, ok := c.(C); ok {
			out = append(out, cc)
		}
	}
	return out
}

func env(s instructions.Stage) map[string]string {
	m := map[string]string{}
	for _, e := range commands[*instructions.EnvCommand](s) {
		for _, kv := range e.Env {
			m[kv.Key] = kv.Value
		}
	}
	return m
}

func TestDockerfileParsesAndLintsClean(t *testing.T) {
	df := parse(t)
	if df.syntax != "docker/dockerfile:1" {
		t.Errorf("got syntax directive %q, want docker/dockerfile:1 (BuildKit's stable frontend)", df.syntax)
	}
	var names []string
	for _, s := range df.stages {
		names = append(names, s.Name)
	}
	if want := []string{"build", "backup", "runtime"}; !slices.Equal(names, want) {
		t.Errorf("got stages %v, want %v (runtime last: the default target)", names, want)
	}
	// Every COPY --from names an earlier stage.
	for i, s := range df.stages {
		for _, c := range commands[*instructions.CopyCommand](s) {
			if c.From == "" {
				continue
			}
			if !slices.ContainsFunc(df.stages[:i], func(e instructions.Stage) bool { return e.Name == c.From }) {
				t.Errorf("stage %s: COPY --from=%s names no earlier stage", s.Name, c.From)
			}
		}
	}
}

func TestImagesRunAsNonRoot(t *testing.T) {
	df := parse(t)
	for _, name := range []string{"backup", "runtime"} {
		t.Run(name, func(t *testing.T) {
			users := commands[*instructions.UserCommand](df.stage(t, name))
			if len(users) == 0 {
				t.Fatal("no USER: the image would run as root")
			}
			u := users[len(users)-1].User
			if uid, _, _ := strings.Cut(u, ":"); uid == "0" || uid == "root" || uid == "" {
				t.Errorf("got USER %q, want a non-root user", u)
			}
		})
	}
}

// TestVolumeDirectoriesBelongToTheUser: Docker creates a named volume
// with the owner of the directory it is first mounted on; compose mounts
// the data and backups volumes on /data and /backups of both images, and
// each must be able to write there.
func TestVolumeDirectoriesBelongToTheUser(t *testing.T) {
	df := parse(t)
	for _, name := range []string{"backup", "runtime"} {
		s := df.stage(t, name)
		users := commands[*instructions.UserCommand](s)
		if len(users) == 0 {
			t.Fatalf("stage %s has no USER", name)
		}
		user := users[len(users)-1].User
		for _, dir := range []string{"/data", "/backups"} {
			t.Run(name+dir, func(t *testing.T) {
				ok := slices.ContainsFunc(commands[*instructions.CopyCommand](s), func(c *instructions.CopyCommand) bool {
					return c.DestPath == dir && c.Chown == user
				})
				if !ok {
					t.Errorf("stage %s does not create %s owned by its USER %s", name, dir, user)
				}
			})
		}
	}
}

func TestRuntimeImage(t *testing.T) {
	df := parse(t)
	rt := df.stage(t, "runtime")
	if rt.BaseName != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("runtime base %q, want gcr.io/distroless/static-debian12:nonroot (CA roots, no shell)", rt.BaseName)
	}
	if got := env(rt)["SAMMACHIP_DB"]; got != "/data/sammachip.db" {
		t.Errorf("runtime SAMMACHIP_DB=%q, want /data/sammachip.db", got)
	}
	var volumes, ports []string
	for _, v := range commands[*instructions.VolumeCommand](rt) {
		volumes = append(volumes, v.Volumes...)
	}
	for _, e := range commands[*instructions.ExposeCommand](rt) {
		ports = append(ports, e.Ports...)
	}
	if !slices.Contains(volumes, "/data") {
		t.Errorf("runtime VOLUME %v, want /data (the database outlives the container)", volumes)
	}
	if !slices.Contains(ports, "8080") {
		t.Errorf("runtime EXPOSE %v, want 8080", ports)
	}
	eps := commands[*instructions.EntrypointCommand](rt)
	if len(eps) != 1 || eps[0].PrependShell || len(eps[0].CmdLine) == 0 {
		t.Fatalf("runtime ENTRYPOINT %v, want one in exec form (distroless has no shell)", eps)
	}
	bin := eps[0].CmdLine[0]
	copied := slices.ContainsFunc(commands[*instructions.CopyCommand](rt), func(c *instructions.CopyCommand) bool {
		return c.From == "build" && c.DestPath == bin
	})
	if !copied {
		t.Errorf("runtime ENTRYPOINT %s is not copied from the build stage", bin)
	}
}

// buildContext returns the files `docker build -f deploy/Dockerfile .`
// sends (slash paths relative to the repository root), after
// deploy/Dockerfile.dockerignore.
func buildContext(t *testing.T) (files []string, ignored func(string) bool) {
	t.Helper()
	f, err := os.Open(ignorePath)
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatalf("deploy/Dockerfile.dockerignore: %v", err)
	}
	ignored = func(p string) bool {
		skip, err := pm.MatchesOrParentMatches(p)
		if err != nil {
			t.Fatalf("dockerignore match %s: %v", p, err)
		}
		return skip
	}
	err = filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			// A whole directory can be skipped only when no "!" pattern
			// can bring something inside it back.
			if ignored(rel) && !pm.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		if !ignored(rel) {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, ignored
}

func TestBuildContextKeepsSecretsOut(t *testing.T) {
	_, ignored := buildContext(t)
	for _, p := range []string{
		".git/config", "deploy/sammachip.env", "deploy/.env", "sammachip.db", "data/sammachip.db.sock",
		"sammachip.db.before-restore-20261207T020000Z", "storage/db_test.go", "bot/sim/testdata/x.golden",
	} {
		if !ignored(p) {
			t.Errorf("%s would be sent to the Docker build, want it ignored", p)
		}
	}
	for _, p := range []string{"go.mod", "go.sum", "cmd/sammachip/main.go", "locales/catalog/core.th.toml", "deploy/backup.sh"} {
		if ignored(p) {
			t.Errorf("%s is ignored, but the build needs it", p)
		}
	}
}

// TestDockerfileBuildsTheContext runs the build stage's own go build
// command (with its ENV and a VERSION) on a copy of what the build
// context holds, and checks the binary is what the image promises:
// static, with the time zone database, trimmed and versioned.
func TestDockerfileBuildsTheContext(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	df := parse(t)
	files, _ := buildContext(t)
	ctxDir := t.TempDir()
	for _, f := range files {
		copyFile(t, filepath.Join(repoRoot, filepath.FromSlash(f)), filepath.Join(ctxDir, filepath.FromSlash(f)))
	}
	// Every COPY from the context finds its sources there.
	for _, s := range df.stages {
		for _, c := range commands[*instructions.CopyCommand](s) {
			if c.From != "" {
				continue
			}
			for _, src := range c.SourcePaths {
				if _, err := os.Stat(filepath.Join(ctxDir, filepath.FromSlash(path.Clean(src)))); err != nil {
					t.Errorf("stage %s: COPY %s: not in the build context (%v)", s.Name, src, err)
				}
			}
		}
	}

	build := df.stage(t, "build")
	var buildCmd string
	for _, r := range commands[*instructions.RunCommand](build) {
		if cmd := strings.Join(r.CmdLine, " "); strings.Contains(cmd, "go build") {
			buildCmd = cmd
		}
	}
	if buildCmd == "" {
		t.Fatal("the build stage has no RUN with go build")
	}
	out := t.TempDir()
	// The command writes to /out in the image; here, to a temporary directory.
	script := strings.ReplaceAll(buildCmd, "/out/", out+"/")
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = ctxDir
	cmd.Env = os.Environ()
	for k, v := range env(build) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "VERSION=v9.9.9-dockercheck")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build command failed on the build context: %v\n%s\n%s", err, script, b)
	}

	bin := filepath.Join(out, "sammachip")
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader, want a static binary (distroless/static has no libc)")
		}
	}
	ef.Close()
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	for k, want := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true", "-tags": "timetzdata"} {
		if settings[k] != want {
			t.Errorf("binary built with %s=%q, want %q", k, settings[k], want)
		}
	}
	v, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), "v9.9.9-dockercheck") {
		t.Errorf("`sammachip version` printed %q (%v), want the VERSION build argument", v, err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(fmt.Errorf("copy %s: %w", src, err))
	}
}
