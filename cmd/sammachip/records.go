package main

import (
	"encoding/json"
	"log/slog"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/storage"
)

// checkInboxRecord and checkOutboxRecord decode one record of the inbox
// (or the dead letters) and of the outbox (or the failed sends) as bot
// reads them, for restores and backup checks
// (storage.Options.CheckInboxRecord, CheckOutboxRecord). Storage decodes
// the domain's records itself.
func checkInboxRecord(value []byte) error { return json.Unmarshal(value, new(bot.InboxRecord)) }

func checkOutboxRecord(value []byte) error { return json.Unmarshal(value, new(bot.OutboxRecord)) }

// storageOptions are what every open, check and restore of the database
// uses. A server (log set) also waits for a restore in progress to finish,
// up to cfg.RestoreWait; a command-line tool fails at once.
func storageOptions(cfg Config, log *slog.Logger) storage.Options {
	opt := storage.Options{CheckInboxRecord: checkInboxRecord, CheckOutboxRecord: checkOutboxRecord}
	if log != nil {
		opt.RestoreWait, opt.Log = cfg.RestoreWait, log
		// The error names the bucket and a hashed key, never the key.
		opt.OnUnreadable = func(err error) { log.Warn("skipped a stored record that cannot be read", "err", err.Error()) }
	}
	return opt
}
