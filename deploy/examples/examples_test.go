// Package examples_test checks that the sample files deploy/README.md
// tells officers to copy import cleanly with the program's own importers.
package examples_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

func TestSampleFilesImport(t *testing.T) {
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Before the samples' programme dates, as an office loading them would be.
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, bangkok)
	engine := flows.NewEngine(flows.Config{Location: bangkok, Catalog: cat})
	db, err := storage.Open(filepath.Join(t.TempDir(), "sammachip.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	imports := []struct {
		file string
		run  func(tx flows.Tx, f *os.File) (flows.ImportReport, error)
		want int
	}{
		{"villages.csv", func(tx flows.Tx, f *os.File) (flows.ImportReport, error) {
			return flows.ImportVillages(tx, f, now, "cli", false)
		}, 5},
		{"schedule.csv", func(tx flows.Tx, f *os.File) (flows.ImportReport, error) {
			return engine.ImportSchedule(tx, f, now, "cli", false)
		}, 10},
	}
	for _, im := range imports { // in order: the schedule needs the villages
		t.Run(im.file, func(t *testing.T) {
			f, err := os.Open(im.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var rep flows.ImportReport
			err = db.Update(func(tx flows.Tx) error {
				var err error
				rep, err = im.run(tx, f)
				return err
			})
			var ie *flows.ImportError
			if errors.As(err, &ie) {
				for _, l := range ie.Lines {
					t.Errorf("%s line %d: %s", im.file, l.Line, cat.MustText(locales.English, l.Problem.Key, l.Problem.Args))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Added != im.want || rep.Updated != 0 {
				t.Errorf("%s: got %+v, want %d added", im.file, rep, im.want)
			}
		})
	}
}
