package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

func TestBackupWhileServingThenRestore(t *testing.T) {
	h := NewHarness(t)
	env := map[string]string{"LINE_CHANNEL_SECRET": testSecretHex(h), "LINE_CHANNEL_ACCESS_TOKEN": testToken}
	put := func(moo int, name string) {
		if err := h.DB().Update(func(tx flows.Tx) error {
			return flows.PutVillage(tx, &flows.Village{Moo: moo, Name: name, Tambon: "โนนสูง", Capacity: 20}) // a new village: the next id
		}); err != nil {
			t.Fatal(err)
		}
	}
	put(1, "บ้านก่อนสำรอง")
	backup := filepath.Join(t.TempDir(), "backup.db")
	res := cliRunEnv(t, h.DBPath, mergeEnv(env, cliEnglish), h.Now(), "", "backup", backup)
	if res.exit != 0 || !strings.Contains(res.stdout, "Backed up") {
		t.Fatalf("backup while serving: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want 0600", err, fi.Mode())
	}
	put(2, "บ้านหลังสำรอง")

	// Restoring under a running server is refused.
	if res := cliRunEnv(t, h.DBPath, mergeEnv(env, cliEnglish), h.Now(), "", "restore", backup); res.exit == 0 || !strings.Contains(res.stderr, "stop it first") {
		t.Fatalf("restore while serving: exit %d, stderr %q", res.exit, res.stderr)
	}
	h.Stop()
	// A file that is no backup is refused and changes nothing.
	junk := cliWriteFile(t, "junk.db", "moo,name\n1,x\n")
	if res := cliRunEnv(t, h.DBPath, mergeEnv(env, cliEnglish), h.Now(), "", "restore", junk); res.exit == 0 || !strings.Contains(res.stderr, "not a backup") {
		t.Fatalf("restore of a CSV: exit %d, stderr %q", res.exit, res.stderr)
	}
	// A direct backup (no server) works too.
	direct := filepath.Join(t.TempDir(), "direct.db")
	if res := cliRunEnv(t, h.DBPath, mergeEnv(env, cliEnglish), h.Now(), "", "backup", direct); res.exit != 0 {
		t.Fatalf("direct backup: exit %d, stderr %q", res.exit, res.stderr)
	}
	res = cliRunEnv(t, h.DBPath, mergeEnv(env, cliEnglish), h.Now(), "", "restore", backup)
	if res.exit != 0 || !strings.Contains(res.stdout, "1 villages") {
		t.Fatalf("restore: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	h.Start()
	var vs []flows.Village
	if err := h.DB().View(func(tx flows.Tx) error {
		var err error
		vs, err = flows.ListVillages(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Name != "บ้านก่อนสำรอง" {
		t.Errorf("after restore: %+v, want only the village from before the backup", vs)
	}
	kept, _ := filepath.Glob(h.DBPath + ".before-restore-*")
	if len(kept) != 1 {
		t.Errorf("the old database was not kept beside the restored one: %v", kept)
	}
}

func mergeEnv(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// testSecretHex is the harness's channel secret, for CLI runs that must
// load the same configuration as the server (real mode).
func testSecretHex(h *Harness) string { return h.config().ChannelSecret }
