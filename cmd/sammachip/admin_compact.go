package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// `sammachip compact` rewrites the database without the bytes of deleted
// records (bbolt leaves them in its free pages), while the server keeps
// serving: through the admin socket when a server runs, on the file
// itself otherwise. The server also does it every night at
// SAMMACHIP_COMPACT_AT (app.go), so deleted data leaves the live file
// within a day.

const compactUsage = "compact                    rewrite the database without what was deleted (also done\n" +
	"                             nightly at SAMMACHIP_COMPACT_AT)"

// adminCompact compacts the database.
func adminCompact(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	if env.Compact == nil {
		return adminResult{Stderr: "compact is not available in this server\n", Exit: 1}, nil
	}
	res, err := env.Compact()
	if err != nil {
		return adminResult{}, err
	}
	return adminResult{Stdout: env.text(req.Lang, flows.T("cli.compact.done",
		"Before", locales.Number(res.Before), "After", locales.Number(res.After),
		"PauseMS", locales.Number(res.Pause.Milliseconds()))) + "\n"}, nil
}

// compactLogged compacts db and logs the outcome for the operator.
func compactLogged(db *storage.DB, log *slog.Logger) (storage.CompactResult, error) {
	res, err := db.Compact()
	if err != nil {
		log.Error("database compaction failed", "err", err)
		return res, err
	}
	log.Info("database compacted", "bytesBefore", res.Before, "bytesAfter", res.After, "writePause", res.Pause.Round(time.Microsecond).String())
	return res, nil
}
